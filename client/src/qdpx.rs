//! A REFI-QDA project (`.qdpx`) of the team's notes, for QualCoder,
//! NVivo, MAXQDA or ATLAS.ti: a zip holding `project.qde` (QDA-XML,
//! `urn:QDA-XML:project:1.0`) and one plain-text source per note under
//! `Sources/`. The codebook keeps its hierarchy and colours, every coding
//! its coder (a `User`) and its passage, as character positions of the
//! exported text (Unicode characters, end exclusive).
//!
//! A note's exported text is its body, then each story, shadowing entry
//! and comment, separated by blank lines: codings of any of its texts
//! land on the same words. No person's record is exported: notes name
//! persons only by id, and those ids are left out.
//!
//! Streaming: each note is read, its text written into the zip and its
//! XML into a file aside; `project.qde` is assembled at the end. Memory
//! holds one note at a time, whatever the notebook's size.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};
use std::path::Path;

use carnet_core::coding::Passage;
use carnet_core::record::{Note, Record, Theme, Workspace};
use carnet_core::vocab::{CodedField, Lang, Vocabulary};
use carnet_core::{ItemId, RecordId, Timestamp};
use sha2::{Digest, Sha256};

use crate::error::{ClientError, Result};
use crate::notebook::Notebook;
use crate::queries::journal::{self, NoteFilter};

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QdpxSummary {
    /// Notes exported as text sources.
    pub notes: u32,
    /// Codings exported (passages whose words are still there).
    pub codings: u32,
    /// Themes of the codebook.
    pub themes: u32,
}

/// Text safe inside XML (attributes and elements): the five entities
/// escaped, characters XML 1.0 forbids left out.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A stable GUID for something without one of its own (a theme's code).
fn guid(kind: &str, key: &str) -> String {
    let h = Sha256::digest(format!("carnet:{kind}:{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    uuid::Uuid::from_bytes(b).hyphenated().to_string()
}

fn when(t: Timestamp) -> String {
    t.to_rfc3339()
}

/// Where each text of a note starts in its exported text (characters).
pub type TextStarts = HashMap<(CodedField, Option<ItemId>), usize>;

/// A note's exported text and where each of its texts starts in it.
pub fn note_text(n: &Note) -> (String, TextStarts) {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut starts = HashMap::new();
    let mut add = |key: (CodedField, Option<ItemId>), part: &str, text: &mut String| {
        if !text.is_empty() {
            text.push_str("\n\n");
            chars += 2;
        }
        starts.insert(key, chars);
        text.push_str(part);
        chars += part.chars().count();
    };
    add((CodedField::Body, None), n.body.as_str(), &mut text);
    for s in &n.stories {
        add((CodedField::Story, Some(s.id)), s.text.as_str(), &mut text);
    }
    for e in &n.shadowing {
        add(
            (CodedField::Shadowing, Some(e.id)),
            e.text.as_str(),
            &mut text,
        );
    }
    for c in n.comments.iter().filter(|c| !c.deleted) {
        add(
            (CodedField::Comment, Some(c.id)),
            c.text.as_str(),
            &mut text,
        );
    }
    (text, starts)
}

fn theme_xml(out: &mut String, w: &Workspace, t: &Theme, lang: Lang, depth: usize) {
    let label = match lang {
        Lang::Fr => &t.label_fr,
        Lang::En => &t.label_en,
    };
    out.push_str(&format!(
        "<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\" color=\"{}\">",
        guid("theme", &t.code),
        xml(label),
        !t.archived,
        xml(&t.colour)
    ));
    let parts: Vec<String> = [
        (&t.definition_fr, &t.definition_en, ""),
        (&t.include_fr, &t.include_en, "+ "),
        (&t.exclude_fr, &t.exclude_en, "− "),
    ]
    .iter()
    .filter_map(|(fr, en, mark)| {
        let text = match lang {
            Lang::Fr if !fr.is_empty() => fr,
            Lang::En if !en.is_empty() => en,
            _ if !fr.is_empty() => fr,
            _ => en,
        };
        (!text.is_empty()).then(|| format!("{mark}{text}"))
    })
    .collect();
    if !parts.is_empty() {
        out.push_str(&format!(
            "<Description>{}</Description>",
            xml(&parts.join("\n"))
        ));
    }
    if depth < w.codebook.len() {
        for child in w
            .codebook
            .iter()
            .filter(|c| c.parent.as_deref() == Some(t.code.as_str()))
        {
            theme_xml(out, w, child, lang, depth + 1);
        }
    }
    out.push_str("</Code>");
}

/// Export the notes `filter` keeps as a REFI-QDA project at `out` (whole
/// or not at all). `progress(done, total)` is told as notes are written
/// and returns `false` to cancel (then nothing is left behind).
pub fn export_qdpx(
    nb: &mut Notebook,
    filter: &NoteFilter,
    lang: Lang,
    out: &Path,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<QdpxSummary> {
    let workspace = nb.workspace()?;
    let ids = journal::note_ids(nb.store().conn(), filter)?;
    let tmp = out.with_extension("qdpx.partial");
    let aside = out.with_extension("qde.partial");
    let result = (|| {
        let io = |what: &Path| ClientError::io(format!("could not write {}", what.display()));
        let mut zip = zip::ZipWriter::new(BufWriter::new(File::create(&tmp).map_err(io(&tmp))?));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut sources = BufWriter::new(File::create(&aside).map_err(io(&aside))?);
        let mut summary = QdpxSummary {
            notes: 0,
            codings: 0,
            themes: workspace.codebook.len() as u32,
        };
        for (i, id) in ids.iter().enumerate() {
            if !progress(i, ids.len()) {
                return Err(ClientError::Cancelled);
            }
            let read = nb.with_doc(*id, |d| match d.record() {
                Ok(Record::Note(n)) => {
                    let p = d.passages_of(&n);
                    Some((n, p))
                }
                _ => None,
            });
            let (note, passages) = match read {
                Ok(Some(found)) => found,
                Ok(None) | Err(ClientError::Damaged { .. }) => continue,
                Err(e) => return Err(e),
            };
            let g = id.to_string();
            let (text, starts) = note_text(&note);
            zip.start_file(format!("Sources/{g}.txt"), options)
                .map_err(zip_error)?;
            zip.write_all(text.as_bytes()).map_err(io(&tmp))?;
            summary.codings += write_source(&mut sources, *id, &note, &passages, &starts, lang)
                .map_err(io(&aside))?;
            summary.notes += 1;
        }
        progress(ids.len(), ids.len());
        sources.flush().map_err(io(&aside))?;
        drop(sources);
        zip.start_file("project.qde", options).map_err(zip_error)?;
        zip.write_all(project_head(&workspace, lang, nb.now()).as_bytes())
            .map_err(io(&tmp))?;
        let mut aside_file = File::open(&aside).map_err(io(&aside))?;
        aside_file.rewind().map_err(io(&aside))?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = aside_file.read(&mut buf).map_err(io(&aside))?;
            if n == 0 {
                break;
            }
            zip.write_all(&buf[..n]).map_err(io(&tmp))?;
        }
        zip.write_all(b"</Sources></Project>\n").map_err(io(&tmp))?;
        let file = zip
            .finish()
            .map_err(zip_error)?
            .into_inner()
            .map_err(|e| ClientError::Io {
                context: format!("could not write {}", tmp.display()),
                source: e.into_error(),
            })?;
        file.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, out).map_err(io(out))?;
        Ok(summary)
    })();
    let _ = std::fs::remove_file(&aside);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn zip_error(e: zip::result::ZipError) -> ClientError {
    ClientError::Io {
        context: "could not write the REFI-QDA project".into(),
        source: std::io::Error::other(e),
    }
}

/// `project.qde` up to the sources: the project, its users (the team's
/// members) and its codebook (the themes in their hierarchy).
fn project_head(w: &Workspace, lang: Lang, now: Timestamp) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Carnet\" creationDateTime=\"{}\">",
        xml(&w.name),
        when(now)
    );
    if !w.members.is_empty() {
        out.push_str("<Users>");
        for m in &w.members {
            out.push_str(&format!(
                "<User guid=\"{}\" name=\"{}\"/>",
                m.id,
                xml(&m.name)
            ));
        }
        out.push_str("</Users>");
    }
    let known: std::collections::HashSet<&str> =
        w.codebook.iter().map(|t| t.code.as_str()).collect();
    let roots: Vec<&Theme> = w
        .codebook
        .iter()
        .filter(|t| t.parent.as_deref().is_none_or(|p| !known.contains(p)))
        .collect();
    if !roots.is_empty() {
        out.push_str("<CodeBook><Codes>");
        for t in roots {
            theme_xml(&mut out, w, t, lang, 0);
        }
        out.push_str("</Codes></CodeBook>");
    }
    out.push_str("<Sources>");
    out
}

/// One note's `TextSource`; returns how many codings it holds.
fn write_source(
    out: &mut impl Write,
    id: RecordId,
    n: &Note,
    passages: &[Passage],
    starts: &TextStarts,
    lang: Lang,
) -> std::io::Result<u32> {
    let g = id.to_string();
    write!(
        out,
        "<TextSource guid=\"{g}\" name=\"{}\" plainTextPath=\"internal://{g}.txt\" creatingUser=\"{}\" creationDateTime=\"{}\">",
        xml(&n.title),
        n.author,
        when(n.created_at)
    )?;
    let mut description = vec![
        n.method.label(lang).to_string(),
        n.occurred_at.day().to_iso(),
    ];
    description.extend(n.place_text.clone());
    description.extend(n.sector.clone());
    write!(
        out,
        "<Description>{}</Description>",
        xml(&description.join(" · "))
    )?;
    let mut written = 0;
    for p in passages.iter().filter(|p| p.end > p.start) {
        let Some(offset) = starts.get(&(p.field, p.item)) else {
            continue;
        };
        let (start, end) = (offset + p.start as usize, offset + p.end as usize);
        write!(
            out,
            "<PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"{}\" creationDateTime=\"{}\"><Coding guid=\"{}\" creatingUser=\"{}\" creationDateTime=\"{}\"><CodeRef targetGUID=\"{}\"/></Coding></PlainTextSelection>",
            p.coding,
            xml(&p.text.chars().take(60).collect::<String>()),
            p.coder,
            when(p.at),
            guid("coding", &p.coding.to_string()),
            p.coder,
            when(p.at),
            guid("theme", &p.theme),
        )?;
        written += 1;
    }
    out.write_all(b"</TextSource>")?;
    Ok(written)
}
