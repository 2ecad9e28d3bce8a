//! The printable synthesis: a PDF report of the notes a filter keeps, in
//! French or English, for the team's meetings and its partners.
//!
//! A cover (team, period, filter, counts), the synthesis's charts as
//! vector bars with their figures, each chosen theme with its definition
//! and a selection of coded passages, and the referral funnel. It never
//! holds a person's identity: persons appear only as counts.
//!
//! Laid out and written by [`crate::pdf`].

use std::path::Path;

use carnet_core::vocab::{Barrier, Lang, Method, NeedCategory, ReferralStatus, Vocabulary};
use carnet_core::Timestamp;

use crate::error::Result;
use crate::notebook::Notebook;
pub use crate::pdf::french;
use crate::pdf::{render, write_whole, Layout, Words, MARGIN, MUTED, TEXT_COLOUR};
use crate::queries::codings::PassageFilter;
use crate::queries::journal::{NoteFilter, Page};
use crate::queries::synthesis::Synthesis;

/// What a report holds, for the caller to say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportSummary {
    /// Pages.
    pub pages: u32,
    /// Notes the report covers.
    pub notes: u32,
    /// Themes presented with their passages.
    pub themes: u32,
}

fn filter_words(nb: &mut Notebook, f: &NoteFilter, w: &Words) -> Result<Vec<String>> {
    let mut parts = Vec::new();
    let workspace = nb.workspace()?;
    if let Some(m) = f.method {
        parts.push(format!("{} {}", w.t("méthode", "method"), m.label(w.lang)));
    }
    if let Some(t) = &f.theme {
        let label = workspace
            .theme(t)
            .map_or(t.clone(), |t| t.label(w.lang).to_string());
        parts.push(format!("{} {label}", w.t("thème", "theme")));
    }
    if let Some(s) = &f.sector {
        let name = workspace
            .sectors
            .iter()
            .find(|x| &x.code == s)
            .map_or(s.clone(), |x| x.name.clone());
        parts.push(format!("{} {name}", w.t("secteur", "sector")));
    }
    if let Some(a) = f.author {
        let name = workspace
            .members
            .iter()
            .find(|m| m.id == a)
            .map_or(a.to_string(), |m| m.name.clone());
        parts.push(format!("{} {name}", w.t("membre", "member")));
    }
    if let Some(b) = f.barrier {
        parts.push(format!(
            "{} {}",
            w.t("obstacle", "barrier"),
            b.label(w.lang)
        ));
    }
    if let Some(n) = f.need {
        parts.push(format!("{} {}", w.t("besoin", "need"), n.label(w.lang)));
    }
    Ok(parts)
}

/// Write the report of the notes `filter` keeps to `out` (whole or not at
/// all), in `lang`, presenting `themes` (codes) with their passages, or
/// the five themes with the most passages.
pub fn report_pdf(
    nb: &mut Notebook,
    filter: &NoteFilter,
    lang: Lang,
    themes: Option<&[String]>,
    out: &Path,
) -> Result<ReportSummary> {
    let w = Words { lang };
    let s: Synthesis = nb.synthesis(filter)?;
    let workspace = nb.workspace()?;
    let theme_label = |code: &str| {
        workspace
            .theme(code)
            .map_or(code.to_string(), |t| t.label(lang).to_string())
    };
    let title = w.t("Synthèse de l'équipe", "Team synthesis");
    let mut l = Layout::new()?;

    // The cover.
    l.y = MARGIN + 40.0;
    l.para(&title, 26.0, true, TEXT_COLOUR, 0.0);
    l.y += 6.0;
    l.para(&workspace.name, 16.0, false, TEXT_COLOUR, 0.0);
    l.y += 18.0;
    let period = match (filter.from, filter.to) {
        (None, None) => w.t("toutes les notes", "every note"),
        (Some(a), None) => format!("{} {}", w.t("depuis le", "since"), w.day(a.day())),
        (None, Some(b)) => format!(
            "{} {}",
            w.t("jusqu'au", "until"),
            w.day(Timestamp::from_millis(b.as_millis() - 1).day())
        ),
        (Some(a), Some(b)) => format!(
            "{} {} {} {}",
            w.t("du", "from"),
            w.day(a.day()),
            w.t("au", "to"),
            w.day(Timestamp::from_millis(b.as_millis() - 1).day())
        ),
    };
    l.para(
        &w.t(&format!("Période : {period}"), &format!("Period: {period}")),
        11.0,
        false,
        TEXT_COLOUR,
        0.0,
    );
    let parts = filter_words(nb, filter, &w)?;
    let filter_text = if parts.is_empty() {
        w.t("aucun", "none")
    } else {
        parts.join(", ")
    };
    l.para(
        &w.t(
            &format!("Filtre : {filter_text}"),
            &format!("Filter: {filter_text}"),
        ),
        11.0,
        false,
        TEXT_COLOUR,
        0.0,
    );
    l.para(
        &w.t(
            &format!("Produit le {} avec Carnet", w.day(nb.now().day())),
            &format!("Made on {} with Carnet", w.day(nb.now().day())),
        ),
        11.0,
        false,
        MUTED,
        0.0,
    );
    l.y += 14.0;
    let referrals: u32 = s.funnel.iter().map(|c| c.count).sum();
    l.para(
        &w.t(
            &format!(
                "{} notes · {} passages codés · {} références",
                w.number(s.notes),
                w.number(s.passages),
                w.number(referrals)
            ),
            &format!(
                "{} notes · {} coded passages · {} referrals",
                w.number(s.notes),
                w.number(s.passages),
                w.number(referrals)
            ),
        ),
        12.0,
        true,
        TEXT_COLOUR,
        0.0,
    );
    l.y += 6.0;
    l.para(
        &w.t(
            "Ce rapport ne nomme personne : les personnes suivies n'y paraissent qu'en nombres.",
            "This report names no one: the persons the team follows appear only as counts.",
        ),
        9.0,
        false,
        MUTED,
        0.0,
    );

    // The charts.
    l.heading(&w.t("Ce que l'équipe a vu", "What the team saw"), 16.0);
    let top = |v: Vec<(String, u32)>| v.into_iter().take(14).collect::<Vec<_>>();
    l.bars(
        &w.t("Thèmes, par notes", "Themes, by notes"),
        &top(s
            .themes
            .iter()
            .map(|t| (theme_label(&t.theme), t.notes))
            .collect()),
    );
    let mut by_passages: Vec<(String, u32)> = s
        .themes
        .iter()
        .filter(|t| t.passages > 0)
        .map(|t| (theme_label(&t.theme), t.passages))
        .collect();
    by_passages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    l.bars(
        &w.t("Thèmes, par passages codés", "Themes, by coded passages"),
        &top(by_passages),
    );
    let totals = |cells: &[crate::queries::synthesis::Cross], label: &dyn Fn(&str) -> String| {
        let mut m = std::collections::BTreeMap::new();
        for c in cells {
            *m.entry(c.row.clone()).or_insert(0u32) += c.count;
        }
        let mut v: Vec<(String, u32)> = m.into_iter().map(|(k, n)| (label(&k), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let barrier =
        |c: &str| Barrier::from_code(c).map_or(c.to_string(), |b| b.label(lang).to_string());
    let need =
        |c: &str| NeedCategory::from_code(c).map_or(c.to_string(), |b| b.label(lang).to_string());
    let method =
        |c: &str| Method::from_code(c).map_or(c.to_string(), |m| m.label(lang).to_string());
    l.bars(
        &w.t(
            "Obstacles aux services observés, par notes",
            "Barriers to services observed, by notes",
        ),
        &top(totals(&s.barriers_by_method, &barrier)),
    );
    l.bars(
        &w.t("Besoins observés, par notes", "Needs observed, by notes"),
        &top(totals(&s.needs_by_method, &need)),
    );
    l.bars(
        &w.t("Notes par méthode", "Notes by method"),
        &s.by_method
            .iter()
            .map(|c| (method(&c.key), c.count))
            .collect::<Vec<_>>(),
    );

    // The chosen themes and their passages.
    let chosen: Vec<String> = match themes {
        Some(t) if !t.is_empty() => t.to_vec(),
        _ => {
            let mut v: Vec<&crate::queries::synthesis::ThemeCount> =
                s.themes.iter().filter(|t| t.passages > 0).collect();
            v.sort_by(|a, b| {
                b.passages
                    .cmp(&a.passages)
                    .then_with(|| a.theme.cmp(&b.theme))
            });
            v.into_iter().take(5).map(|t| t.theme.clone()).collect()
        }
    };
    if !chosen.is_empty() {
        l.heading(&w.t("Thèmes et passages", "Themes and passages"), 16.0);
    }
    for code in &chosen {
        let Some(theme) = workspace.theme(code) else {
            continue;
        };
        l.heading(
            &w.t(
                &format!("Thème : {}", theme.label(lang)),
                &format!("Theme: {}", theme.label(lang)),
            ),
            12.0,
        );
        let pick = |fr: &str, en: &str| match lang {
            Lang::Fr if !fr.is_empty() => fr.to_string(),
            Lang::En if !en.is_empty() => en.to_string(),
            _ if !fr.is_empty() => fr.to_string(),
            _ => en.to_string(),
        };
        for (label_fr, label_en, text) in [
            (
                "Définition",
                "Definition",
                pick(&theme.definition_fr, &theme.definition_en),
            ),
            (
                "À inclure",
                "Include when",
                pick(&theme.include_fr, &theme.include_en),
            ),
            (
                "À exclure",
                "Exclude when",
                pick(&theme.exclude_fr, &theme.exclude_en),
            ),
        ] {
            if !text.is_empty() {
                let line = w.t(
                    &format!("{label_fr} : {text}"),
                    &format!("{label_en}: {text}"),
                );
                l.para(&line, 10.0, false, TEXT_COLOUR, 0.0);
            }
        }
        let page = nb.passages(
            &PassageFilter {
                theme: Some(code.clone()),
                notes: filter.clone(),
                ..PassageFilter::default()
            },
            Page {
                offset: 0,
                limit: 5,
            },
        )?;
        l.para(
            &w.t(
                &format!(
                    "{} passages codés ; en voici {} :",
                    w.number(page.total),
                    page.items.len()
                ),
                &format!(
                    "{} coded passages; here are {}:",
                    w.number(page.total),
                    page.items.len()
                ),
            ),
            9.0,
            false,
            MUTED,
            0.0,
        );
        for p in page.items {
            let quoted = match lang {
                Lang::Fr => format!("«\u{a0}{}\u{a0}»", p.text.trim()),
                Lang::En => format!("“{}”", p.text.trim()),
            };
            l.room(30.0);
            l.para(&quoted, 10.0, false, TEXT_COLOUR, 12.0);
            l.para(
                &format!(
                    "{} · {} · {}",
                    p.title,
                    p.method.label(lang),
                    w.day(p.occurred_at.day())
                ),
                8.5,
                false,
                MUTED,
                12.0,
            );
            l.y += 3.0;
        }
    }

    // Referrals.
    if referrals > 0 {
        l.heading(&w.t("Références", "Referrals"), 16.0);
        l.bars(
            &w.t("Références par statut", "Referrals by status"),
            &s.funnel
                .iter()
                .filter(|c| c.count > 0)
                .map(|c| {
                    let label = ReferralStatus::from_code(&c.key)
                        .map_or(c.key.clone(), |st| st.label(lang).to_string());
                    (label, c.count)
                })
                .collect::<Vec<_>>(),
        );
        if let Some(median) = s.closing.median_days {
            let days = format!("{median:.1}");
            let days = if lang == Lang::Fr {
                days.replace('.', ",")
            } else {
                days
            };
            l.para(
                &w.t(
                    &format!("Délai médian entre la référence et sa fermeture : {days} jours ({} références fermées).", s.closing.closed),
                    &format!("Median time from referral to closing: {days} days ({} referrals closed).", s.closing.closed),
                ),
                10.0,
                false,
                TEXT_COLOUR,
                0.0,
            );
        }
        l.para(
            &w.t(
                &format!(
                    "Suivis en retard : {} de notes, {} de références.",
                    s.overdue.notes, s.overdue.referrals
                ),
                &format!(
                    "Follow-ups overdue: {} of notes, {} of referrals.",
                    s.overdue.notes, s.overdue.referrals
                ),
            ),
            10.0,
            false,
            TEXT_COLOUR,
            0.0,
        );
        if !s.referral_loop.is_empty() {
            loop_section(&mut l, &w, &s);
        }
    }

    let (bytes, pages) = render(l, &w, &format!("{title} · {}", workspace.name))?;
    write_whole(out, &bytes)?;
    Ok(ReportSummary {
        pages,
        notes: s.notes,
        themes: chosen.len() as u32,
    })
}

/// The loop with partner organisations: per organisation and need, what
/// became of the referrals and how long answers and endings took; the
/// referrals waiting for an answer are counted, never named.
fn loop_section(l: &mut Layout, w: &Words, s: &Synthesis) {
    let lang = w.lang;
    let number = |v: f64| {
        let t = format!("{v:.1}");
        if lang == Lang::Fr {
            t.replace('.', ",")
        } else {
            t
        }
    };
    l.heading(
        &w.t(
            "La boucle avec les organismes partenaires",
            "The loop with partner organisations",
        ),
        13.0,
    );
    for row in &s.referral_loop {
        let need = NeedCategory::from_code(&row.need)
            .map_or(row.need.clone(), |n| n.label(lang).to_string());
        let times = match (row.days_to_answer, row.days_to_close) {
            (None, None) => String::new(),
            (a, c) => {
                let a = a.map_or("—".to_string(), number);
                let c = c.map_or("—".to_string(), number);
                w.t(
                    &format!(" ; réponse en {a} j, fin en {c} j (médianes)"),
                    &format!("; answered in {a} d, ended in {c} d (medians)"),
                )
            }
        };
        l.para(
            &w.t(
                &format!(
                    "{} — {need} : envoyées {} · acceptées {} · refusées {} · complétées {} · service reçu {}{times}.",
                    row.name, row.sent, row.accepted, row.declined, row.completed, row.received
                ),
                &format!(
                    "{} — {need}: sent {} · accepted {} · declined {} · completed {} · service received {}{times}.",
                    row.name, row.sent, row.accepted, row.declined, row.completed, row.received
                ),
            ),
            10.0,
            false,
            TEXT_COLOUR,
            0.0,
        );
    }
    let waiting = s.unanswered.len();
    l.para(
        &w.t(
            &format!(
                "Références sans réponse après {} jours : {waiting}.",
                crate::queries::synthesis::UNANSWERED_DAYS
            ),
            &format!(
                "Referrals with no answer after {} days: {waiting}.",
                crate::queries::synthesis::UNANSWERED_DAYS
            ),
        ),
        10.0,
        false,
        TEXT_COLOUR,
        0.0,
    );
}
