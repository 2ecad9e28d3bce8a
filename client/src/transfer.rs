//! Import and export of notes.
//!
//! Import reads JSON Lines (one [`NoteInput`] object per line) or CSV
//! (a header row naming the columns `method,title,body,place,themes,
//! occurred_at,…`). Each good line becomes a note in its own transaction,
//! reported as soon as it is durable; a bad line is reported with its
//! number and the import goes on.
//!
//! Export writes every record as JSON, or the notes as CSV, to a file
//! that appears whole or not at all (written aside, then renamed).

use std::io::{BufRead, Write};
use std::path::Path;

use carnet_core::vocab::Vocabulary;
use carnet_core::{Record, RecordId};

use crate::error::{ClientError, Result};
use crate::inputs::NoteInput;
use crate::notebook::Notebook;
use crate::queries::journal::NoteFilter;

/// Formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// JSON Lines.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// Formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON array of every record.
    Json,
    /// The notes, one row each.
    Csv,
}

/// What happened to one line of an import.
#[derive(Debug)]
pub enum ImportEvent {
    /// The line became this note, durably.
    Imported {
        /// Line number (1-based).
        line: usize,
        /// The new note.
        id: RecordId,
    },
    /// The line was refused.
    Rejected {
        /// Line number (1-based).
        line: usize,
        /// Why.
        reason: String,
    },
}

/// Totals of an import.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Notes created.
    pub imported: usize,
    /// Lines refused.
    pub rejected: usize,
}

/// Import notes from `reader`, calling `on_event` after each line.
pub fn import_notes(
    nb: &mut Notebook,
    format: ImportFormat,
    reader: impl BufRead,
    mut on_event: impl FnMut(ImportEvent) -> Result<()>,
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    let mut record = |nb: &mut Notebook,
                      line: usize,
                      parsed: std::result::Result<NoteInput, String>|
     -> Result<()> {
        let outcome = parsed.and_then(|input| {
            nb.create_note(input).map_err(|e| match e {
                ClientError::Sqlite(_) | ClientError::Io { .. } => e.to_string(),
                other => other.to_string(),
            })
        });
        match outcome {
            Ok(id) => {
                summary.imported += 1;
                on_event(ImportEvent::Imported { line, id })
            }
            Err(reason) => {
                summary.rejected += 1;
                on_event(ImportEvent::Rejected { line, reason })
            }
        }
    };
    match format {
        ImportFormat::Jsonl => {
            for (i, line) in reader.lines().enumerate() {
                let line = line.map_err(ClientError::io("could not read the import"))?;
                if line.trim().is_empty() {
                    continue;
                }
                let parsed = serde_json::from_str::<NoteInput>(&line)
                    .map_err(|e| format!("not a valid note: {e}"));
                record(nb, i + 1, parsed)?;
            }
        }
        ImportFormat::Csv => {
            let mut csv = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(reader);
            let headers = csv
                .headers()
                .map_err(|e| {
                    ClientError::BadInput(format!("line 1: the CSV header could not be read: {e}"))
                })?
                .clone();
            if !headers.iter().any(|h| h == "title") {
                return Err(ClientError::BadInput(
                    "line 1: the CSV header must name a 'title' column (and may name method, body, place, themes, occurred_at, review)".into(),
                ));
            }
            for (i, row) in csv.records().enumerate() {
                let line = i + 2;
                let parsed = row
                    .map_err(|e| format!("unreadable CSV row: {e}"))
                    .and_then(|row| csv_note(&headers, &row));
                record(nb, line, parsed)?;
            }
        }
    }
    Ok(summary)
}

fn csv_note(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> std::result::Result<NoteInput, String> {
    let mut input = NoteInput::default();
    for (name, value) in headers.iter().zip(row.iter()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let bad = |e: &dyn std::fmt::Display| format!("column {name}: {e}");
        match name.trim() {
            "method" => input.method = Some(value.parse().map_err(|e| bad(&e))?),
            "title" => input.title = value.to_string(),
            "body" => input.body = Some(value.to_string()),
            "place" => input.place = Some(value.to_string()),
            "themes" => {
                input.themes = value
                    .split(';')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            "occurred_at" => input.occurred_at = Some(value.parse().map_err(|e| bad(&e))?),
            "review" => input.review = Some(value.parse().map_err(|e| bad(&e))?),
            "duration_minutes" => {
                input.duration_minutes = Some(value.parse().map_err(|e| bad(&e))?)
            }
            "participants" => input.participants = Some(value.parse().map_err(|e| bad(&e))?),
            "follow_up_due" => input.follow_up_due = Some(value.parse().map_err(|e| bad(&e))?),
            other => return Err(format!("unknown column '{other}'")),
        }
    }
    Ok(input)
}

/// The columns of a CSV export of notes, in order.
pub const CSV_COLUMNS: [&str; 10] = [
    "id",
    "method",
    "title",
    "occurred_at",
    "place",
    "themes",
    "review",
    "author",
    "follow_up_due",
    "body",
];

/// Export to `out`; returns how many records were written. With a
/// filter, only the notes it keeps. `progress` is told how many so far
/// and returns `false` to cancel (then nothing is left behind).
pub fn export(
    nb: &mut Notebook,
    format: ExportFormat,
    filter: Option<&NoteFilter>,
    out: &Path,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<usize> {
    let ids = match filter {
        None => nb.record_ids()?,
        Some(f) => crate::queries::journal::note_ids(nb.store().conn(), f)?
            .into_iter()
            .map(|id| (id, carnet_core::RecordKind::Note))
            .collect(),
    };
    let total = ids.len();
    let tmp = out.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(ClientError::io(format!(
        "could not create {}",
        tmp.display()
    )))?;
    let mut w = std::io::BufWriter::new(file);
    let io = || ClientError::io(format!("could not write {}", tmp.display()));
    let mut written = 0;
    let result = (|| -> Result<()> {
        match format {
            ExportFormat::Json => {
                w.write_all(b"[\n").map_err(io())?;
                for (i, (id, _)) in ids.iter().enumerate() {
                    let view = match nb.get(*id) {
                        Ok(v) => v,
                        Err(ClientError::Damaged { .. }) => continue,
                        Err(e) => return Err(e),
                    };
                    if written > 0 {
                        w.write_all(b",\n").map_err(io())?;
                    }
                    serde_json::to_writer(&mut w, &view.to_json()).map_err(|e| io()(e.into()))?;
                    written += 1;
                    if !progress(i + 1, total) {
                        return Err(ClientError::Cancelled);
                    }
                }
                w.write_all(b"\n]\n").map_err(io())?;
            }
            ExportFormat::Csv => {
                let mut csv = csv::Writer::from_writer(&mut w);
                csv.write_record(CSV_COLUMNS)
                    .map_err(|e| io()(std::io::Error::other(e)))?;
                for (i, (id, kind)) in ids.iter().enumerate() {
                    if *kind != carnet_core::RecordKind::Note {
                        continue;
                    }
                    let Ok(Record::Note(n)) = nb.record(*id) else {
                        continue;
                    };
                    csv.write_record([
                        id.to_string(),
                        n.method.code().to_string(),
                        n.title.clone(),
                        n.occurred_at.to_rfc3339(),
                        n.place_text.clone().unwrap_or_default(),
                        n.themes.join(";"),
                        n.review.code().to_string(),
                        n.author.to_string(),
                        n.follow_up.due.map(|d| d.to_iso()).unwrap_or_default(),
                        n.body.as_str().to_string(),
                    ])
                    .map_err(|e| io()(std::io::Error::other(e)))?;
                    written += 1;
                    if !progress(i + 1, total) {
                        return Err(ClientError::Cancelled);
                    }
                }
                csv.flush().map_err(io())?;
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        drop(w);
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let file = w.into_inner().map_err(|e| ClientError::Io {
        context: format!("could not write {}", tmp.display()),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(io())?;
    std::fs::rename(&tmp, out).map_err(ClientError::io(format!(
        "could not write {}",
        out.display()
    )))?;
    Ok(written)
}

/// Write a table (a chart's, the passage view's) as CSV or JSON (an
/// array of objects keyed by the column names) to `out`, whole or not at
/// all.
pub fn write_table(
    out: &Path,
    format: ExportFormat,
    columns: &[String],
    rows: &[Vec<String>],
) -> Result<usize> {
    let tmp = out.with_extension("partial");
    let io = || ClientError::io(format!("could not write {}", tmp.display()));
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp).map_err(io())?;
        let mut w = std::io::BufWriter::new(file);
        match format {
            ExportFormat::Csv => {
                let mut csv = csv::Writer::from_writer(&mut w);
                csv.write_record(columns)
                    .map_err(|e| io()(std::io::Error::other(e)))?;
                for r in rows {
                    csv.write_record(r)
                        .map_err(|e| io()(std::io::Error::other(e)))?;
                }
                csv.flush().map_err(io())?;
            }
            ExportFormat::Json => {
                let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
                    .iter()
                    .map(|r| {
                        columns
                            .iter()
                            .zip(r)
                            .map(|(c, v)| (c.clone(), serde_json::Value::String(v.clone())))
                            .collect()
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut w, &objects).map_err(|e| io()(e.into()))?;
                w.write_all(b"\n").map_err(io())?;
            }
        }
        let file = w.into_inner().map_err(|e| io()(e.into_error()))?;
        file.sync_all().map_err(io())?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(ClientError::io(format!(
        "could not write {}",
        out.display()
    )))?;
    Ok(rows.len())
}

/// Every passage a filter keeps, as a table: its columns and rows (one
/// read, not page after page: each page sorted every passage again).
pub fn passage_table(
    nb: &Notebook,
    filter: &crate::PassageFilter,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let columns = [
        "note",
        "title",
        "method",
        "occurred_at",
        "author",
        "sector",
        "coding",
        "theme",
        "coder",
        "coded_at",
        "field",
        "start",
        "end",
        "passage",
    ]
    .map(str::to_string)
    .to_vec();
    let rows = crate::queries::codings::all_passages(nb.store().conn(), filter)?
        .into_iter()
        .map(|p| {
            vec![
                p.note.to_string(),
                p.title,
                p.method.code().to_string(),
                p.occurred_at.to_rfc3339(),
                p.author.to_string(),
                p.sector.unwrap_or_default(),
                p.coding.to_string(),
                p.theme,
                p.coder.to_string(),
                p.coded_at.to_rfc3339(),
                p.field.code().to_string(),
                p.start.to_string(),
                p.end.to_string(),
                p.text,
            ]
        })
        .collect();
    Ok((columns, rows))
}

/// What the window exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// A REFI-QDA project (notes only).
    Qdpx,
    /// The printable synthesis report.
    Pdf,
}

impl ExportKind {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Qdpx => "qdpx",
            Self::Pdf => "pdf",
        }
    }

    /// The table format (a project or a report is not a table: JSON then).
    pub fn table_format(self) -> ExportFormat {
        match self {
            Self::Csv => ExportFormat::Csv,
            Self::Json | Self::Qdpx | Self::Pdf => ExportFormat::Json,
        }
    }
}

/// Where an export went, and how many rows, notes or records it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportDone {
    /// The file written.
    pub path: String,
    /// How many rows, notes or records.
    pub count: u32,
}

/// The folder the window's exports go to: `$CARNET_EXPORT_DIR`, else the
/// person's documents folder, else their home.
pub fn exports_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::var_os("CARNET_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .or_else(dirs::document_dir)
        .or_else(dirs::home_dir)
        .ok_or_else(|| {
            ClientError::BadInput("there is no documents folder to export into".into())
        })?;
    std::fs::create_dir_all(&dir).map_err(ClientError::io(format!(
        "could not create {}",
        dir.display()
    )))?;
    Ok(dir)
}

/// A new file in the exports folder: `carnet-WHAT-YYYY-MM-DD-HHMMSS.EXT`
/// (a number added when that name is taken).
pub fn export_path(
    what: &str,
    kind: ExportKind,
    now: carnet_core::Timestamp,
) -> Result<std::path::PathBuf> {
    new_export(what, Some(kind.extension()), now)
}

/// A new folder's path in the exports folder (for a package of files),
/// named as [`export_path`] names files.
pub fn export_folder(what: &str, now: carnet_core::Timestamp) -> Result<std::path::PathBuf> {
    new_export(what, None, now)
}

fn new_export(
    what: &str,
    extension: Option<&str>,
    now: carnet_core::Timestamp,
) -> Result<std::path::PathBuf> {
    let dir = exports_dir()?;
    let stamp: String = now
        .to_rfc3339()
        .chars()
        .take(19)
        .map(|c| if c == ':' || c == 'T' { '-' } else { c })
        .collect();
    let safe: String = what
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let name = |n: Option<u32>| {
        let number = n.map(|n| format!("-{n}")).unwrap_or_default();
        let ext = extension.map(|e| format!(".{e}")).unwrap_or_default();
        dir.join(format!("carnet-{safe}-{stamp}{number}{ext}"))
    };
    let mut path = name(None);
    let mut n = 2;
    while path.exists() {
        path = name(Some(n));
        n += 1;
    }
    Ok(path)
}
