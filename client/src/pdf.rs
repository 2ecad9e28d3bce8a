//! Laying out and writing the PDFs Carnet makes (the synthesis report, a
//! person's data, the register of confidentiality incidents): text
//! shaped with krilla (the font subset and embedded with its Unicode map,
//! so the text can be searched and copied), lines measured with the
//! font's own advances (skrifa), pages broken where the next block does
//! not fit. The font (DejaVu Sans) is compiled in, so a PDF reads the
//! same on every machine.

use std::path::Path;
use std::sync::Arc;

use carnet_core::vocab::Lang;
use carnet_core::Day;
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

static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 56.0;
pub(crate) const BOTTOM: f32 = PAGE_H - MARGIN;
pub(crate) const BAR_COLOUR: (u8, u8, u8) = (42, 111, 151);
pub(crate) const TEXT_COLOUR: (u8, u8, u8) = (26, 26, 26);
pub(crate) const MUTED: (u8, u8, u8) = (90, 90, 90);

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
pub(crate) struct Words {
    pub(crate) lang: Lang,
}

impl Words {
    pub(crate) fn t(&self, fr: &str, en: &str) -> String {
        match self.lang {
            Lang::Fr => french(fr),
            Lang::En => en.to_string(),
        }
    }

    pub(crate) fn day(&self, d: Day) -> String {
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

    pub(crate) fn number(&self, n: u32) -> String {
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
pub(crate) enum Op {
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
pub(crate) struct Layout {
    pages: Vec<Vec<Op>>,
    pub(crate) y: f32,
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Layout {
    pub(crate) fn new() -> Result<Self> {
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

    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
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

    pub(crate) fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Room for `h` more points, or a new page.
    pub(crate) fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    pub(crate) fn text_at(
        &mut self,
        x: f32,
        size: f32,
        bold: bool,
        colour: (u8, u8, u8),
        text: &str,
    ) {
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
    pub(crate) fn para(
        &mut self,
        text: &str,
        size: f32,
        bold: bool,
        colour: (u8, u8, u8),
        indent: f32,
    ) {
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

    pub(crate) fn heading(&mut self, text: &str, size: f32) {
        self.room(size * 3.0);
        self.y += size * 0.6;
        self.para(text, size, true, TEXT_COLOUR, 0.0);
        self.y += size * 0.2;
    }

    /// A horizontal bar chart: a label, a bar in proportion, the figure.
    pub(crate) fn bars(&mut self, title: &str, rows: &[(String, u32)]) {
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
pub(crate) fn render(layout: Layout, words: &Words, title: &str) -> Result<(Vec<u8>, u32)> {
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

/// Write a file whole or not at all: to a partial file, synced, renamed.
pub(crate) fn write_whole(out: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = out.with_extension("partial");
    let io = |p: &Path| ClientError::io(format!("could not write {}", p.display()));
    let written = (|| -> Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, out).map_err(io(out))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
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
