//! The printable synthesis: a PDF report of the notes a filter keeps, in
//! French or English, for the team's meetings and its partners.
//!
//! A cover (team, period, filter, counts), the synthesis's charts as
//! vector bars with their figures, each chosen theme with its definition
//! and a selection of coded passages, and the referral funnel. It never
//! holds a person's identity: persons appear only as counts.
//!
//! Written with krilla (text shaped, the font subset and embedded with
//! its Unicode map, so the text can be searched and copied), laid out
//! here: lines measured with the font's own advances (skrifa), pages
//! broken where the next block does not fit. The font (DejaVu Sans) is
//! compiled in, so a report reads the same on every machine.

use std::path::Path;
use std::sync::Arc;

use carnet_core::vocab::{Barrier, Lang, Method, NeedCategory, ReferralStatus, Vocabulary};
use carnet_core::{Day, Timestamp};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::error::{ClientError, Result};
use crate::notebook::Notebook;
use crate::queries::codings::PassageFilter;
use crate::queries::journal::{NoteFilter, Page};
use crate::queries::synthesis::Synthesis;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - MARGIN;
const BAR_COLOUR: (u8, u8, u8) = (42, 111, 151);
const TEXT_COLOUR: (u8, u8, u8) = (26, 26, 26);
const MUTED: (u8, u8, u8) = (90, 90, 90);

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

/// French typography: a non-breaking space before `: ; ? !` and inside
/// « », wherever an ordinary space (or none) stands there.
pub fn french(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            ':' | ';' | '?' | '!' | '»' => {
                // A clock time (9:30) and a link (https:) keep theirs.
                let digit_around = c == ':'
                    && i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
                let link = c == ':' && chars.get(i + 1) == Some(&'/');
                if !digit_around && !link && i > 0 {
                    if out.ends_with(' ') {
                        out.pop();
                    }
                    if !out.ends_with('\u{a0}') && !out.ends_with('\u{202f}') {
                        out.push('\u{a0}');
                    }
                }
                out.push(c);
            }
            ' ' if out.ends_with('«') => out.push('\u{a0}'),
            c => {
                if out.ends_with('«') && !c.is_whitespace() {
                    out.push('\u{a0}');
                }
                out.push(c);
            }
        }
    }
    out
}

/// The report's words in one language.
struct Words {
    lang: Lang,
}

impl Words {
    fn t(&self, fr: &str, en: &str) -> String {
        match self.lang {
            Lang::Fr => french(fr),
            Lang::En => en.to_string(),
        }
    }

    fn day(&self, d: Day) -> String {
        let iso = d.to_iso();
        let (y, m, day) = (&iso[0..4], &iso[5..7], iso[8..10].trim_start_matches('0'));
        let months_fr = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let months_en = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let i = m.parse::<usize>().unwrap_or(1).clamp(1, 12) - 1;
        match self.lang {
            Lang::Fr => format!(
                "{} {} {y}",
                if day == "1" { "1er" } else { day },
                months_fr[i]
            ),
            Lang::En => format!("{} {day}, {y}", months_en[i]),
        }
    }

    fn number(&self, n: u32) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(match self.lang {
                    Lang::Fr => '\u{202f}',
                    Lang::En => ',',
                });
            }
            out.push(c);
        }
        out
    }
}

/// One thing drawn on a page.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: (u8, u8, u8),
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: (u8, u8, u8),
    },
}

/// Pages laid out top to bottom.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Layout {
    fn new() -> Result<Self> {
        let font = |data: &'static [u8]| {
            FontRef::new(data).map_err(|_| ClientError::Internal("the report's font".into()))
        };
        Ok(Self {
            pages: vec![Vec::new()],
            y: MARGIN,
            regular: font(REGULAR)?,
            bold: font(BOLD)?,
        })
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Room for `h` more points, or a new page.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, size: f32, bold: bool, colour: (u8, u8, u8), text: &str) {
        let y = self.y + size;
        self.page().push(Op::Text {
            x,
            y,
            size,
            bold,
            colour,
            text: text.to_string(),
        });
    }

    /// A paragraph wrapped to the page's width, from `indent`.
    fn para(&mut self, text: &str, size: f32, bold: bool, colour: (u8, u8, u8), indent: f32) {
        let max = PAGE_W - 2.0 * MARGIN - indent;
        let line_h = size * 1.4;
        for source_line in text.split('\n') {
            let mut line = String::new();
            for word in source_line.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if !line.is_empty() && self.width(&candidate, size, bold) > max {
                    self.room(line_h);
                    self.text_at(MARGIN + indent, size, bold, colour, &line);
                    self.y += line_h;
                    line = word.to_string();
                } else {
                    line = candidate;
                }
            }
            self.room(line_h);
            if !line.is_empty() {
                self.text_at(MARGIN + indent, size, bold, colour, &line);
            }
            self.y += line_h;
        }
    }

    fn heading(&mut self, text: &str, size: f32) {
        self.room(size * 3.0);
        self.y += size * 0.6;
        self.para(text, size, true, TEXT_COLOUR, 0.0);
        self.y += size * 0.2;
    }

    /// A horizontal bar chart: a label, a bar in proportion, the figure.
    fn bars(&mut self, title: &str, rows: &[(String, u32)]) {
        if rows.is_empty() {
            return;
        }
        let row_h = 15.0;
        self.room(40.0 + row_h * rows.len().min(6) as f32);
        self.heading(title, 12.0);
        let label_w = 190.0;
        let area = PAGE_W - 2.0 * MARGIN - label_w - 50.0;
        let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f32;
        for (label, value) in rows {
            self.room(row_h);
            let mut shown = label.clone();
            while self.width(&shown, 9.0, false) > label_w - 8.0 && shown.chars().count() > 4 {
                shown = shown
                    .chars()
                    .take(shown.chars().count() - 2)
                    .collect::<String>();
                shown.push('…');
            }
            self.text_at(MARGIN, 9.0, false, TEXT_COLOUR, &shown);
            let w = (*value as f32 / max * area).max(if *value > 0 { 1.0 } else { 0.0 });
            let y = self.y + 2.0;
            self.page().push(Op::Rect {
                x: MARGIN + label_w,
                y,
                w,
                h: row_h - 5.0,
                colour: BAR_COLOUR,
            });
            let figure = value.to_string();
            self.text_at(MARGIN + label_w + w + 4.0, 9.0, false, TEXT_COLOUR, &figure);
            self.y += row_h;
        }
        self.y += 6.0;
    }
}

fn colour((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Default::default()
    }
}

/// Draw the laid-out pages into a PDF.
fn render(layout: Layout, words: &Words, title: &str) -> Result<(Vec<u8>, u32)> {
    let data = |bytes: &'static [u8]| -> krilla::Data { Arc::new(bytes.to_vec()).into() };
    let regular = Font::new(data(REGULAR), 0)
        .ok_or_else(|| ClientError::Internal("the report's font".into()))?;
    let bold = Font::new(data(BOLD), 0)
        .ok_or_else(|| ClientError::Internal("the report's bold font".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(match words.lang {
                Lang::Fr => "fr-CA".into(),
                Lang::En => "en-CA".into(),
            })
            .creator("Carnet".into()),
    );
    let count = layout.pages.len() as u32;
    for (i, ops) in layout.pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| ClientError::Internal("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    colour: c,
                    text,
                } => {
                    surface.set_fill(Some(colour(c)));
                    surface.draw_text(
                        Point::from_xy(x, y),
                        if b { bold.clone() } else { regular.clone() },
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    colour: c,
                } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(colour(c)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        let footer = format!("{} · {}/{}", title, i + 1, count);
        surface.set_fill(Some(colour(MUTED)));
        surface.draw_text(
            Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
            regular.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| ClientError::Internal(format!("the report could not be written: {e:?}")))?;
    Ok((bytes, count))
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
    }

    let (bytes, pages) = render(l, &w, &format!("{title} · {}", workspace.name))?;
    let tmp = out.with_extension("pdf.partial");
    let io = |p: &Path| ClientError::io(format!("could not write {}", p.display()));
    let written = (|| -> Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(&bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, out).map_err(io(out))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    Ok(ReportSummary {
        pages,
        notes: s.notes,
        themes: chosen.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::french;

    #[test]
    fn french_typography_puts_non_breaking_spaces_where_they_belong() {
        let cases = [
            ("Période : tout", "Période\u{a0}: tout"),
            ("Période: tout", "Période\u{a0}: tout"),
            ("Vraiment ? Oui !", "Vraiment\u{a0}? Oui\u{a0}!"),
            ("« passage »", "«\u{a0}passage\u{a0}»"),
            ("à 9:30", "à 9:30"),
            ("https://carnet.example", "https://carnet.example"),
            ("déjà\u{a0}: bon", "déjà\u{a0}: bon"),
        ];
        for (given, want) in cases {
            assert_eq!(french(given), want, "{given:?}");
        }
    }
}
