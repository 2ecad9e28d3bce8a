//! The synthesis: every aggregate the team's dashboard charts, over the
//! notes (and referrals) a journal filter keeps, from the projection
//! alone. Themes by notes and by coded passages, themes by month,
//! barriers and needs by method and by sector, themes that occur
//! together and themes with barriers, the referral funnel and how long
//! referrals took to close, what is overdue, and activity per member,
//! method and place.

use std::collections::BTreeMap;

use carnet_core::vocab::{ReferralStatus, Vocabulary};
use carnet_core::Day;
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

fn crossed(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Cross>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(Cross {
            row: r.get(0)?,
            column: r.get(1)?,
            count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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

/// Every aggregate for the notes `filter` keeps; `today` decides what is
/// overdue.
pub fn synthesis(conn: &Connection, filter: &NoteFilter, today: Day) -> Result<Synthesis> {
    let (clause, params) = where_clause(filter);
    let in_filter = format!("SELECT n.rowid FROM notes n WHERE {clause}");

    // One pass over the notes for what their own columns hold.
    let mut notes = 0;
    let mut by_method = BTreeMap::new();
    let mut barriers_by_method = BTreeMap::new();
    let mut barriers_by_sector = BTreeMap::new();
    let mut needs_by_method = BTreeMap::new();
    let mut needs_by_sector = BTreeMap::new();
    let mut overdue_notes = 0;
    let today_iso = today.to_iso();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT n.method, n.sector, n.barriers, n.needs, n.follow_up_needed AND n.follow_up_due < '{today_iso}'
             FROM notes n WHERE {clause}"
        ))?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            notes += 1;
            let method: String = r.get(0)?;
            let sector: Option<String> = r.get(1)?;
            let barriers: String = r.get(2)?;
            let needs: String = r.get(3)?;
            if r.get::<_, Option<bool>>(4)?.unwrap_or(false) {
                overdue_notes += 1;
            }
            *by_method.entry(method.clone()).or_insert(0) += 1;
            for b in codes(&barriers) {
                *barriers_by_method
                    .entry((b.to_string(), method.clone()))
                    .or_insert(0) += 1;
                if let Some(s) = &sector {
                    *barriers_by_sector
                        .entry((b.to_string(), s.clone()))
                        .or_insert(0) += 1;
                }
            }
            for need in codes(&needs) {
                *needs_by_method
                    .entry((need.to_string(), method.clone()))
                    .or_insert(0) += 1;
                if let Some(s) = &sector {
                    *needs_by_sector
                        .entry((need.to_string(), s.clone()))
                        .or_insert(0) += 1;
                }
            }
        }
    }

    let themes: Vec<ThemeCount> = {
        let mut stmt = conn.prepare_cached(&format!(
            "WITH kept AS ({in_filter})
             SELECT theme, count(DISTINCT note_rowid), sum(passages) FROM (
                 SELECT theme, note_rowid, 0 AS passages FROM note_themes WHERE note_rowid IN kept
                 UNION ALL
                 SELECT theme, note_rowid, 1 FROM codings WHERE pos_end > pos_start AND note_rowid IN kept
             ) GROUP BY theme ORDER BY 2 DESC, 1"
        ))?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
            Ok(ThemeCount {
                theme: r.get(0)?,
                notes: r.get(1)?,
                passages: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let passages = themes.iter().map(|t| t.passages).sum();

    let themes_by_month = crossed(
        conn,
        &format!(
            "SELECT strftime('%Y-%m', n.occurred_at / 1000, 'unixepoch', 'localtime'), t.theme, count(*)
             FROM note_themes t JOIN notes n ON n.rowid = t.note_rowid
             WHERE {clause} GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        &params,
    )?;
    let theme_pairs = crossed(
        conn,
        &format!(
            "WITH kept AS ({in_filter})
             SELECT a.theme, b.theme, count(*) FROM note_themes a
             JOIN note_themes b ON b.note_rowid = a.note_rowid AND a.theme < b.theme
             WHERE a.note_rowid IN kept GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        &params,
    )?;
    let mut theme_barriers = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT t.theme, n.barriers FROM note_themes t JOIN notes n ON n.rowid = t.note_rowid
             WHERE {clause} AND n.barriers != ''"
        ))?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let theme: String = r.get(0)?;
            let barriers: String = r.get(1)?;
            for b in codes(&barriers) {
                *theme_barriers
                    .entry((theme.clone(), b.to_string()))
                    .or_insert(0) += 1;
            }
        }
    }
    let by_member = grouped(
        conn,
        &format!("SELECT n.author, count(*) FROM notes n WHERE {clause} GROUP BY 1"),
        &params,
    )?;
    let by_place = grouped(
        conn,
        &format!(
            "SELECT coalesce(pl.name, n.place_text), count(*) FROM notes n
             LEFT JOIN records pr ON pr.id = n.place_id LEFT JOIN places pl ON pl.rowid = pr.rowid
             WHERE {clause} AND coalesce(pl.name, n.place_text) IS NOT NULL GROUP BY 1"
        ),
        &params,
    )?;

    // Referrals.
    let (rclause, rparams) = referral_where(filter);
    let from_referrals = "FROM referrals r JOIN persons p ON p.rowid = r.person_rowid";
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
        buckets: vec![
            Count {
                key: "7".into(),
                count: bucket(-1.0, 7.0),
            },
            Count {
                key: "30".into(),
                count: bucket(7.0, 30.0),
            },
            Count {
                key: "90".into(),
                count: bucket(30.0, 90.0),
            },
            Count {
                key: "more".into(),
                count: bucket(90.0, f64::INFINITY),
            },
        ],
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

    Ok(Synthesis {
        notes,
        passages,
        themes,
        themes_by_month,
        barriers_by_method: crosses(barriers_by_method),
        barriers_by_sector: crosses(barriers_by_sector),
        needs_by_method: crosses(needs_by_method),
        needs_by_sector: crosses(needs_by_sector),
        theme_pairs,
        theme_barriers: crosses(theme_barriers),
        funnel,
        closing,
        overdue: Overdue {
            notes: overdue_notes,
            referrals: overdue_referrals,
        },
        by_member,
        by_method: counts(by_method),
        by_place,
    })
}
