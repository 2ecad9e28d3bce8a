//! The synthesis: every aggregate the team's dashboard charts, over the
//! notes (and referrals) a journal filter keeps, from the projection
//! alone. Themes by notes and by coded passages, themes by month,
//! barriers and needs by method and by sector, themes that occur
//! together and themes with barriers, the referral funnel and how long
//! referrals took to close, what is overdue, and activity per member,
//! method and place.

use std::collections::{BTreeMap, HashMap};

use carnet_core::vocab::{ReferralOutcome, ReferralStatus, Vocabulary};
use carnet_core::{Day, ItemId, RecordId};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::codes;
use super::journal::{where_clause, NoteFilter};
use crate::error::Result;

/// A count under a key (a theme, a status, a member, a month…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Count {
    /// What is counted.
    pub key: String,
    /// How many.
    pub count: u32,
}

/// A count at the crossing of two keys (a barrier and a method, two
/// themes…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cross {
    /// The first key (a row of the table).
    pub row: String,
    /// The second key (a column).
    pub column: String,
    /// How many notes (or referrals).
    pub count: u32,
}

/// A theme's notes and coded passages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ThemeCount {
    /// The theme's code.
    pub theme: String,
    /// Notes tagged with it or holding a passage coded with it.
    pub notes: u32,
    /// Passages coded with it.
    pub passages: u32,
}

/// How long referrals took from being made to being closed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClosingTimes {
    /// Referrals closed.
    pub closed: u32,
    /// The median, in days.
    pub median_days: Option<f64>,
    /// Three in four closed within this many days.
    pub p75_days: Option<f64>,
    /// How many closed within a week, a month, three months, later
    /// (keys `7`, `30`, `90`, `more`).
    pub buckets: Vec<Count>,
}

/// What is overdue today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overdue {
    /// Notes whose follow-up was due before today.
    pub notes: u32,
    /// Open referrals whose next follow-up was due before today.
    pub referrals: u32,
}

/// Every aggregate of the dashboard, for one filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Synthesis {
    /// Notes the filter keeps.
    pub notes: u32,
    /// Coded passages in them.
    pub passages: u32,
    /// Themes by notes and passages, most used first.
    pub themes: Vec<ThemeCount>,
    /// Notes per theme and month (`row`: `YYYY-MM`, `column`: theme), in
    /// the device's time zone.
    pub themes_by_month: Vec<Cross>,
    /// Notes per barrier (`row`) and method (`column`).
    pub barriers_by_method: Vec<Cross>,
    /// Notes per barrier and sector.
    pub barriers_by_sector: Vec<Cross>,
    /// Notes per need and method.
    pub needs_by_method: Vec<Cross>,
    /// Notes per need and sector.
    pub needs_by_sector: Vec<Cross>,
    /// Notes tagged with both themes (`row` < `column`).
    pub theme_pairs: Vec<Cross>,
    /// Notes per theme (`row`) and barrier (`column`).
    pub theme_barriers: Vec<Cross>,
    /// Referrals by status, in the vocabulary's order.
    pub funnel: Vec<Count>,
    /// How long closed referrals took.
    pub closing: ClosingTimes,
    /// Follow-ups overdue.
    pub overdue: Overdue,
    /// Notes per author (member id).
    pub by_member: Vec<Count>,
    /// Notes per method.
    pub by_method: Vec<Count>,
    /// Notes per place (the place's name, or as typed).
    pub by_place: Vec<Count>,
    /// The loop with partner organisations: referrals per organisation
    /// (or service as named) and need, how they were answered and ended.
    pub referral_loop: Vec<LoopRow>,
    /// Referrals no organisation answered within [`UNANSWERED_DAYS`]
    /// days, longest waiting first, to follow up (every person's: a list
    /// of work, which the printed report only counts).
    pub unanswered: Vec<Unanswered>,
}

/// Days after which a referral no organisation answered is listed.
pub const UNANSWERED_DAYS: i64 = 14;

/// Referrals to one organisation for one need.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoopRow {
    /// The organisation's record id, when picked from the directory.
    pub organisation: Option<RecordId>,
    /// Its name (or the service as named).
    pub name: String,
    /// The need's code.
    pub need: String,
    /// Referrals made.
    pub sent: u32,
    /// Answered and taken on (accepted, under way or closed, not declined).
    pub accepted: u32,
    /// Declined by the organisation.
    pub declined: u32,
    /// Completed.
    pub completed: u32,
    /// Closed with the service received, in full or in part.
    pub received: u32,
    /// Median days from the referral to the organisation's first answer.
    pub days_to_answer: Option<f64>,
    /// Median days from the referral to its closing.
    pub days_to_close: Option<f64>,
}

/// A referral waiting for an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unanswered {
    /// The referral.
    pub referral: ItemId,
    /// The person's record and pseudonym.
    pub person: RecordId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// The service, as named.
    pub service: String,
    /// Days since it was made.
    pub days: u32,
}

fn counts(map: BTreeMap<String, u32>) -> Vec<Count> {
    let mut v: Vec<Count> = map
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

fn crosses(map: BTreeMap<(String, String), u32>) -> Vec<Cross> {
    map.into_iter()
        .map(|((row, column), count)| Cross { row, column, count })
        .collect()
}

fn grouped(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Count>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(Count {
            key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            count: r.get(1)?,
        })
    })?;
    let mut v = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    Ok(v)
}

/// The referrals' part of a filter: the period by when they were made,
/// the author as who made them, the sector as the person's.
fn referral_where(f: &NoteFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["1".to_string()];
    let mut params = Vec::new();
    let mut push = |sql: &str, v: Value| {
        params.push(v);
        clauses.push(sql.replace('?', &format!("?{}", params.len())));
    };
    if let Some(t) = f.from {
        push("r.made_at >= ?", Value::Integer(t.as_millis()));
    }
    if let Some(t) = f.to {
        push("r.made_at < ?", Value::Integer(t.as_millis()));
    }
    if let Some(a) = f.author {
        push("r.made_by = ?", Value::Text(a.to_string()));
    }
    if let Some(s) = &f.sector {
        push("p.sector = ?", Value::Text(s.clone()));
    }
    (clauses.join(" AND "), params)
}

/// The value at `q` (0 to 1) of sorted samples.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    Some(sorted[i])
}

/// Small numbers for the few distinct strings the synthesis counts by
/// (methods, sectors, barriers, themes, members): counting by number
/// spares a string's copy and comparison per note and per tag.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), i);
        i
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Counts by name, most first, then by name.
    fn counts(&self, map: HashMap<u32, u32>) -> Vec<Count> {
        counts(
            map.into_iter()
                .map(|(k, n)| (self.name(k).to_owned(), n))
                .collect(),
        )
    }

    /// Crossed counts by name, in the order of the names.
    fn crosses(&self, map: HashMap<(u32, u32), u32>) -> Vec<Cross> {
        crosses(
            map.into_iter()
                .map(|((r, c), n)| ((self.name(r).to_owned(), self.name(c).to_owned()), n))
                .collect(),
        )
    }
}

/// What the synthesis keeps of each note the filter keeps.
struct Kept {
    occurred_at: i64,
    barriers: Vec<u32>,
}

/// The notes the filter keeps, by rowid (rowids are dense: a vector
/// answers faster than a hash for the hundreds of thousands of tags and
/// codings looked up).
struct KeptNotes {
    index: Vec<u32>,
    notes: Vec<Kept>,
}

impl KeptNotes {
    const NONE: u32 = u32::MAX;

    fn get(&self, rowid: i64) -> Option<u32> {
        usize::try_from(rowid)
            .ok()
            .and_then(|r| self.index.get(r))
            .copied()
            .filter(|&i| i != Self::NONE)
    }

    fn insert(&mut self, rowid: i64, kept: Kept) {
        let Ok(r) = usize::try_from(rowid) else {
            return;
        };
        if r >= self.index.len() {
            self.index.resize(r + 1, Self::NONE);
        }
        self.index[r] = self.notes.len() as u32;
        self.notes.push(kept);
    }
}

/// A text column, borrowed from the row.
fn str_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    opt_str_at(r, i)?.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        String::new(),
        rusqlite::types::Type::Null,
    ))
}

/// A text column that may be null, borrowed from the row.
fn opt_str_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn bump<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

/// The first instant of each month (in the device's time zone) from the
/// month of `first` to that of `last`, with the months' names: asked of
/// SQLite once per month (its `localtime` on every row cost more than
/// the rest of the synthesis).
fn months_between(conn: &Connection, first: i64, last: i64) -> Result<(Vec<String>, Vec<i64>)> {
    let month_of = |ms: i64| -> Result<String> {
        Ok(conn
            .prepare_cached("SELECT strftime('%Y-%m', ?1 / 1000, 'unixepoch', 'localtime')")?
            .query_row([ms], |r| r.get(0))?)
    };
    let (first, last) = (month_of(first)?, month_of(last)?);
    let mut months = vec![first];
    while months.last().is_some_and(|m| *m < last) && months.len() < 1200 {
        let m = months.last().map_or("", String::as_str);
        let (y, mo) = m.split_once('-').unwrap_or(("1970", "01"));
        let (y, mo): (i32, u32) = (y.parse().unwrap_or(1970), mo.parse().unwrap_or(1));
        months.push(if mo == 12 {
            format!("{:04}-01", y + 1)
        } else {
            format!("{y:04}-{:02}", mo + 1)
        });
    }
    let starts = months
        .iter()
        .map(|m| {
            Ok(conn
                .prepare_cached(
                    "SELECT CAST(strftime('%s', ?1 || '-01', 'utc') AS INTEGER) * 1000",
                )?
                .query_row([m], |r| r.get(0))?)
        })
        .collect::<Result<Vec<i64>>>()?;
    Ok((months, starts))
}

/// Every aggregate for the notes `filter` keeps; `today` decides what is
/// overdue. Each table is read once (the notes the filter keeps, then
/// every theme tag, then every coding) and the charts are counted from
/// those rows.
pub fn synthesis(conn: &Connection, filter: &NoteFilter, today: Day) -> Result<Synthesis> {
    // Every kept note is read, so a period is scanned for rather than
    // looked up by time (the index's lookups cost more for most periods).
    let (clause, params) = where_clause(filter);
    let clause = clause.replace("n.occurred_at", "+n.occurred_at");
    let today_iso = today.to_iso();
    let mut names = Names::default();
    let text = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<String>> {
        Ok(opt_str_at(r, i)?.map(str::to_owned))
    };

    // The notes: what their own columns hold.
    let mut kept = KeptNotes {
        index: Vec::new(),
        notes: Vec::new(),
    };
    let mut by_method = HashMap::new();
    let mut by_member = HashMap::new();
    let mut places: HashMap<(Option<String>, Option<String>), u32> = HashMap::new();
    let mut barriers_by_method = HashMap::new();
    let mut barriers_by_sector = HashMap::new();
    let mut needs_by_method = HashMap::new();
    let mut needs_by_sector = HashMap::new();
    let mut overdue_notes = 0;
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT n.rowid, n.method, n.sector, n.barriers, n.needs,
                    n.follow_up_needed AND n.follow_up_due < '{today_iso}',
                    n.occurred_at, n.author, n.place_id, n.place_text
             FROM notes n WHERE {clause}"
        ))?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let method = names.id(str_at(r, 1)?);
            let sector = opt_str_at(r, 2)?.map(|s| names.id(s));
            let barriers: Vec<u32> = codes(str_at(r, 3)?).map(|b| names.id(b)).collect();
            if r.get::<_, Option<bool>>(5)?.unwrap_or(false) {
                overdue_notes += 1;
            }
            bump(&mut by_member, names.id(str_at(r, 7)?));
            let (place_id, place_text) = (r.get_ref(8)?, r.get_ref(9)?);
            if place_id.data_type() != rusqlite::types::Type::Null
                || place_text.data_type() != rusqlite::types::Type::Null
            {
                bump(&mut places, (text(r, 8)?, text(r, 9)?));
            }
            for &b in &barriers {
                bump(&mut barriers_by_method, (b, method));
                if let Some(s) = sector {
                    bump(&mut barriers_by_sector, (b, s));
                }
            }
            for need in codes(str_at(r, 4)?) {
                let need = names.id(need);
                bump(&mut needs_by_method, (need, method));
                if let Some(s) = sector {
                    bump(&mut needs_by_sector, (need, s));
                }
            }
            bump(&mut by_method, method);
            kept.insert(
                r.get(0)?,
                Kept {
                    occurred_at: r.get(6)?,
                    barriers,
                },
            );
        }
    }
    let notes = kept.notes.len() as u32;

    // The places' names, for the few places picked.
    let mut by_place = BTreeMap::new();
    {
        let mut place_names: HashMap<String, String> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT r.id, p.name FROM places p JOIN records r ON r.rowid = p.rowid",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            place_names.insert(r.get(0)?, r.get(1)?);
        }
        for ((id, typed), n) in places {
            if let Some(name) = id.and_then(|id| place_names.get(&id).cloned()).or(typed) {
                *by_place.entry(name).or_insert(0) += n;
            }
        }
    }

    // The theme tags of those notes, grouped by note.
    let mut tags: Vec<(u32, u32)> = Vec::new();
    {
        let mut stmt = conn.prepare_cached("SELECT note_rowid, theme FROM note_themes")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(note) = kept.get(r.get(0)?) {
                tags.push((note, names.id(str_at(r, 1)?)));
            }
        }
    }
    tags.sort_unstable();
    let mut theme_notes: HashMap<u32, u32> = HashMap::new();
    let mut theme_pairs: HashMap<(u32, u32), u32> = HashMap::new();
    let mut theme_barriers = HashMap::new();
    let mut by_month: Vec<(i64, u32)> = Vec::new();
    for group in tags.chunk_by(|a, b| a.0 == b.0) {
        let facts = &kept.notes[group[0].0 as usize];
        for (i, &(_, a)) in group.iter().enumerate() {
            bump(&mut theme_notes, a);
            by_month.push((facts.occurred_at, a));
            for &b in &facts.barriers {
                bump(&mut theme_barriers, (a, b));
            }
            for &(_, b) in &group[i + 1..] {
                let (x, y) = if names.name(a) < names.name(b) {
                    (a, b)
                } else {
                    (b, a)
                };
                bump(&mut theme_pairs, (x, y));
            }
        }
    }
    let mut themes_by_month = BTreeMap::new();
    if let (Some(first), Some(last)) = (
        by_month.iter().map(|r| r.0).min(),
        by_month.iter().map(|r| r.0).max(),
    ) {
        let (months, starts) = months_between(conn, first, last)?;
        let mut counted: HashMap<(usize, u32), u32> = HashMap::new();
        for &(at, theme) in &by_month {
            let i = starts.partition_point(|s| *s <= at).saturating_sub(1);
            bump(&mut counted, (i, theme));
        }
        for ((i, theme), n) in counted {
            themes_by_month.insert((months[i].clone(), names.name(theme).to_owned()), n);
        }
    }

    // The codings of those notes: passages per theme, and the notes a
    // theme reaches only through a passage.
    let mut theme_passages: HashMap<u32, u32> = HashMap::new();
    {
        let mut coded_only: std::collections::HashSet<(u32, u32)> = Default::default();
        let mut stmt =
            conn.prepare_cached("SELECT note_rowid, theme FROM codings WHERE pos_end > pos_start")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(note) = kept.get(r.get(0)?) else {
                continue;
            };
            let theme = names.id(str_at(r, 1)?);
            bump(&mut theme_passages, theme);
            if tags.binary_search(&(note, theme)).is_err() {
                coded_only.insert((note, theme));
            }
        }
        for (_, theme) in coded_only {
            bump(&mut theme_notes, theme);
        }
    }
    let mut themes: Vec<ThemeCount> = theme_notes
        .into_iter()
        .map(|(theme, notes)| ThemeCount {
            passages: theme_passages.get(&theme).copied().unwrap_or(0),
            theme: names.name(theme).to_owned(),
            notes,
        })
        .collect();
    themes.sort_by(|a, b| b.notes.cmp(&a.notes).then_with(|| a.theme.cmp(&b.theme)));
    let passages = themes.iter().map(|t| t.passages).sum();

    // Referrals.
    let (rclause, rparams) = referral_where(filter);
    // Persons who said no to the anonymised synthesis are left out.
    let from_referrals =
        "FROM referrals r JOIN persons p ON p.rowid = r.person_rowid AND p.in_synthesis";
    let by_status: BTreeMap<String, u32> = grouped(
        conn,
        &format!("SELECT r.status, count(*) {from_referrals} WHERE {rclause} GROUP BY 1"),
        &rparams,
    )?
    .into_iter()
    .map(|c| (c.key, c.count))
    .collect();
    let funnel = <ReferralStatus as Vocabulary>::ALL
        .iter()
        .map(|s| Count {
            key: s.as_code().to_string(),
            count: by_status.get(s.as_code()).copied().unwrap_or(0),
        })
        .collect();
    let mut days: Vec<f64> = {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT r.closed_at - r.made_at {from_referrals} WHERE {rclause} AND r.closed_at IS NOT NULL"
        ))?;
        let rows = stmt.query_map(params_from_iter(rparams.iter()), |r| r.get::<_, i64>(0))?;
        rows.map(|ms| ms.map(|ms| ms.max(0) as f64 / 86_400_000.0))
            .collect::<rusqlite::Result<_>>()?
    };
    days.sort_by(f64::total_cmp);
    let bucket = |lo: f64, hi: f64| days.iter().filter(|d| **d > lo && **d <= hi).count() as u32;
    let closing = ClosingTimes {
        closed: days.len() as u32,
        median_days: quantile(&days, 0.5),
        p75_days: quantile(&days, 0.75),
        buckets: [
            ("7", -1.0, 7.0),
            ("30", 7.0, 30.0),
            ("90", 30.0, 90.0),
            ("more", 90.0, f64::INFINITY),
        ]
        .into_iter()
        .map(|(key, lo, hi)| Count {
            key: key.into(),
            count: bucket(lo, hi),
        })
        .collect(),
    };
    let closed: Vec<String> = <ReferralStatus as Vocabulary>::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| format!("'{}'", s.as_code()))
        .collect();
    let overdue_referrals: u32 = conn
        .prepare_cached(&format!(
            "SELECT count(*) {from_referrals} WHERE {rclause}
             AND r.next_follow_up < '{today_iso}' AND r.status NOT IN ({})",
            closed.join(",")
        ))?
        .query_row(params_from_iter(rparams.iter()), |r| r.get(0))?;

    let (referral_loop, unanswered) =
        referral_loop(conn, from_referrals, &rclause, &rparams, today)?;

    Ok(Synthesis {
        referral_loop,
        unanswered,
        notes,
        passages,
        themes,
        themes_by_month: crosses(themes_by_month),
        barriers_by_method: names.crosses(barriers_by_method),
        barriers_by_sector: names.crosses(barriers_by_sector),
        needs_by_method: names.crosses(needs_by_method),
        needs_by_sector: names.crosses(needs_by_sector),
        theme_pairs: names.crosses(theme_pairs),
        theme_barriers: names.crosses(theme_barriers),
        funnel,
        closing,
        overdue: Overdue {
            notes: overdue_notes,
            referrals: overdue_referrals,
        },
        by_member: names.counts(by_member),
        by_method: names.counts(by_method),
        by_place: counts(by_place),
    })
}

/// The loop with partner organisations (see [`LoopRow`]) and the
/// referrals waiting for an answer, for the referrals a filter keeps.
fn referral_loop(
    conn: &Connection,
    from_referrals: &str,
    rclause: &str,
    rparams: &[Value],
    today: Day,
) -> Result<(Vec<LoopRow>, Vec<Unanswered>)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.resource_id, coalesce(o.name, r.service), r.need, r.status, r.result,
                r.made_at, r.answered_at, r.closed_at
         {from_referrals}
         LEFT JOIN records orec ON orec.id = r.resource_id
         LEFT JOIN resources o ON o.rowid = orec.rowid
         WHERE {rclause}"
    ))?;
    type Key = (Option<String>, String, String);
    let mut groups: BTreeMap<Key, (LoopRow, Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let rows = stmt.query_map(params_from_iter(rparams.iter()), |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<i64>>(7)?,
        ))
    })?;
    let days = |from: i64, to: i64| (to - from).max(0) as f64 / 86_400_000.0;
    for row in rows {
        let (org, name, need, status, result, made, answered, closed) = row?;
        // The same organisation under any name: grouped by its record.
        let key = (
            org.clone(),
            if org.is_some() {
                String::new()
            } else {
                name.clone()
            },
            need.clone(),
        );
        let entry = groups.entry(key).or_insert_with(|| {
            (
                LoopRow {
                    organisation: org.as_deref().and_then(|o| o.parse().ok()),
                    name: name.clone(),
                    need: need.clone(),
                    sent: 0,
                    accepted: 0,
                    declined: 0,
                    completed: 0,
                    received: 0,
                    days_to_answer: None,
                    days_to_close: None,
                },
                Vec::new(),
                Vec::new(),
            )
        });
        let (row, to_answer, to_close) = entry;
        row.sent += 1;
        let declined = status == ReferralStatus::Declined.as_code();
        row.declined += u32::from(declined);
        row.accepted += u32::from(answered.is_some() && !declined);
        row.completed += u32::from(status == ReferralStatus::Completed.as_code());
        row.received += u32::from(
            result
                .as_deref()
                .and_then(ReferralOutcome::from_code)
                .is_some_and(ReferralOutcome::received),
        );
        if let Some(a) = answered {
            to_answer.push(days(made, a));
        }
        if let Some(c) = closed {
            to_close.push(days(made, c));
        }
    }
    let mut out: Vec<LoopRow> = groups
        .into_values()
        .map(|(mut row, mut a, mut c)| {
            a.sort_by(f64::total_cmp);
            c.sort_by(f64::total_cmp);
            row.days_to_answer = quantile(&a, 0.5);
            row.days_to_close = quantile(&c, 0.5);
            row
        })
        .collect();
    out.sort_by(|a, b| {
        b.sent
            .cmp(&a.sent)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.need.cmp(&b.need))
    });

    let waiting: Vec<String> = [
        ReferralStatus::Draft,
        ReferralStatus::Proposed,
        ReferralStatus::Requested,
    ]
    .iter()
    .map(|s| format!("'{}'", s.as_code()))
    .collect();
    let before = today.start().as_millis() - UNANSWERED_DAYS * 86_400_000;
    // A list to follow up, not a count: every person the team follows,
    // those who said no to the synthesis too (never in the printed report).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, pr.id, p.pseudonym, r.service, r.made_at
         FROM referrals r JOIN persons p ON p.rowid = r.person_rowid
         JOIN records pr ON pr.rowid = r.person_rowid
         WHERE {rclause} AND r.answered_at IS NULL AND r.status IN ({}) AND r.made_at < {before}
         ORDER BY r.made_at",
        waiting.join(",")
    ))?;
    let rows = stmt.query_map(params_from_iter(rparams.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut unanswered = Vec::new();
    for row in rows {
        let (id, person, pseudonym, service, made) = row?;
        if let (Ok(referral), Ok(person)) = (id.parse(), person.parse()) {
            unanswered.push(Unanswered {
                referral,
                person,
                pseudonym,
                service,
                // Calendar days, from the day it was made.
                days: days(
                    carnet_core::Timestamp::from_millis(made)
                        .day()
                        .start()
                        .as_millis(),
                    today.start().as_millis(),
                )
                .round() as u32,
            });
        }
    }
    Ok((out, unanswered))
}
