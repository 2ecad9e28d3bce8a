//! What the commands share: finding the data directory, reading ids,
//! printing JSON, highlighted search hits and progress, and showing a
//! record to a person.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::search::Segment;
use crate::Notebook;
use anyhow::Context;
use carnet_core::record::Record;
use carnet_core::vocab::{Lang, Vocabulary};
use carnet_core::RecordId;

pub(super) fn data_dir(cli: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match cli {
        Some(d) => Ok(d.clone()),
        None => dirs::data_dir()
            .map(|d| d.join("carnet"))
            .context("could not find a data directory; pass --data-dir DIR"),
    }
}

pub(super) fn parse_id<T: std::str::FromStr>(s: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| anyhow::anyhow!("{e}"))
}

pub(super) fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

pub(super) fn highlight(segments: &[Segment]) -> String {
    let tty = std::io::stdout().is_terminal();
    segments
        .iter()
        .map(|s| match (s.hit, tty) {
            (true, true) => format!("\x1b[1;33m{}\x1b[0m", s.text),
            (true, false) => format!("[{}]", s.text),
            _ => s.text.clone(),
        })
        .collect()
}

/// A progress line on stderr, only when it is a terminal.
pub(super) struct Progress {
    label: &'static str,
    on: bool,
}

impl Progress {
    pub(super) fn new(label: &'static str) -> Self {
        Self {
            label,
            on: std::io::stderr().is_terminal(),
        }
    }
    pub(super) fn show(&self, done: usize, total: Option<usize>) {
        if !self.on {
            return;
        }
        match total {
            Some(t) if t > 0 => eprint!("\r{}: {done}/{t} ({}%)   ", self.label, done * 100 / t),
            _ => eprint!("\r{}: {done}   ", self.label),
        }
    }
    pub(super) fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub(super) fn show_human(nb: &mut Notebook, id: RecordId) -> anyhow::Result<()> {
    let view = nb.get(id)?;
    let lang = Lang::Fr;
    println!("{} ({})", view.record.display_name(), view.record.kind());
    println!("id: {id}");
    match &view.record {
        Record::Note(n) => {
            println!("method: {} · {}", n.method.label(lang), n.occurred_at);
            if let Some(p) = &n.place_text {
                println!("place: {p}");
            }
            if !n.themes.is_empty() {
                println!("themes: {}", n.themes.join(", "));
            }
            println!("review: {}", n.review.label(lang));
            if n.follow_up.needed {
                println!(
                    "follow-up: {}",
                    n.follow_up
                        .due
                        .map(|d| d.to_iso())
                        .unwrap_or_else(|| "—".into())
                );
            }
            println!("\n{}", n.body.as_str());
            for e in &n.shadowing {
                println!("  {} {}", e.at, e.text.as_str());
            }
            for s in &n.stories {
                println!(
                    "  « {} » — {}",
                    s.text.as_str(),
                    s.told_by.as_deref().unwrap_or("?")
                );
            }
            for c in &n.comments {
                println!("  comment ({}): {}", c.at, c.text.as_str());
            }
        }
        Record::Person(p) => {
            for r in &p.referrals {
                println!(
                    "referral {}: {} ({}) — {}",
                    r.id,
                    r.service,
                    r.need.label(lang),
                    r.status.label(lang)
                );
                for h in &r.history {
                    println!(
                        "    {} {}{}",
                        h.at,
                        h.status.code(),
                        h.note
                            .as_deref()
                            .map(|n| format!(" — {n}"))
                            .unwrap_or_default()
                    );
                }
            }
            if !p.notes.is_empty() {
                println!("\n{}", p.notes.as_str());
            }
        }
        other => {
            if let Some(b) = other.body() {
                println!("\n{b}");
            }
        }
    }
    Ok(())
}

/// Each field's concurrent values, a line each (after `indent`): the
/// path, then every value with who set it and when.
pub(super) fn print_conflicts(conflicts: &[carnet_core::Conflict], indent: &str) {
    for c in conflicts {
        let values: Vec<String> = c
            .values
            .iter()
            .map(|v| {
                let who = v.author.map(|a| a.to_string()).unwrap_or_default();
                match v.at {
                    Some(at) => format!("'{}' ({who}, {at})", v.value),
                    None => format!("'{}' ({who})", v.value),
                }
            })
            .collect();
        println!("{indent}{}: {}", c.path, values.join(" / "));
    }
}
