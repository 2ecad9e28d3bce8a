//! Coding from the command line: code a passage by its words, remove a
//! coding, list the passages of a theme, compare two coders, and merge,
//! archive or restore a theme.

use carnet_core::vocab::{Lang, Vocabulary};
use carnet_core::{ItemId, RecordId};

use super::args::{Command, ThemeCommand};
use super::output::*;
use crate::queries::records::member_names;
use crate::{Notebook, Page, PassageFilter};

/// A percentage or kappa for people; "—" where undefined.
fn figure(v: Option<f64>, percent: bool) -> String {
    match (v, percent) {
        (Some(v), true) => format!("{v:.1} %"),
        (Some(v), false) => format!("{v:.3}"),
        (None, _) => "—".into(),
    }
}

pub(super) fn run_coding(nb: &mut Notebook, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Code {
            note,
            field,
            item,
            text,
            themes,
        } => {
            let note: RecordId = parse_id(&note)?;
            let item: Option<ItemId> = item.as_deref().map(parse_id).transpose()?;
            let added = nb.code_words(note, field, item, &text, &themes)?;
            for id in &added {
                println!("{id}");
            }
            if added.is_empty() {
                eprintln!("You had already coded this passage with these themes.");
            }
        }
        Command::Uncode { note, coding } => {
            nb.remove_coding(parse_id(&note)?, parse_id(&coding)?)?;
            eprintln!("Coding removed.");
        }
        Command::Passages {
            theme,
            with_sub_themes,
            coder,
            limit,
            json,
        } => {
            let filter = PassageFilter {
                theme,
                with_sub_themes,
                coder,
                ..PassageFilter::default()
            };
            let page = nb.passages(&filter, Page { offset: 0, limit })?;
            if json {
                return print_json(&page);
            }
            let names = member_names(nb.store().conn())?;
            let name = |id: String| names.get(&id).cloned().unwrap_or(id);
            println!("{} passage(s)", page.total);
            for p in &page.items {
                println!(
                    "{}  {}  [{}] {} ({}, {}), coded by {}\n    « {} »",
                    p.occurred_at.day().to_iso(),
                    p.theme,
                    p.method.label(Lang::En),
                    p.title,
                    p.field.label(Lang::En),
                    p.note,
                    name(p.coder.to_string()),
                    p.text
                );
            }
        }
        Command::Agreement {
            first,
            second,
            json,
        } => {
            let report = nb.agreement(first, second)?;
            if json {
                return print_json(&report);
            }
            println!(
                "{} note(s) coded by both, {} characters compared",
                report.notes, report.characters
            );
            for t in &report.themes {
                println!(
                    "{:<24} agreement {:>8}  kappa {:>6}  (both {}, first only {}, second only {})",
                    t.theme,
                    figure(t.percent, true),
                    figure(t.kappa, false),
                    t.tally.both,
                    t.tally.first_only,
                    t.tally.second_only
                );
            }
        }
        Command::Theme(cmd) => match cmd {
            ThemeCommand::List { json } => {
                let uses = nb.theme_uses()?;
                let codebook = nb.workspace()?.codebook;
                if json {
                    return print_json(&serde_json::json!({ "codebook": codebook, "uses": uses }));
                }
                for t in &codebook {
                    let (notes, passages) = uses
                        .iter()
                        .find(|u| u.theme == t.code)
                        .map_or((0, 0), |u| (u.notes, u.passages));
                    let state = match (&t.merged_into, t.archived) {
                        (Some(into), _) => format!("  (merged into {into})"),
                        (None, true) => "  (archived)".into(),
                        _ => String::new(),
                    };
                    let parent = t
                        .parent
                        .as_deref()
                        .map(|p| format!(" < {p}"))
                        .unwrap_or_default();
                    println!(
                        "{}{parent}  {} / {}  {notes} note(s), {passages} passage(s){state}",
                        t.code, t.label_fr, t.label_en
                    );
                }
            }
            ThemeCommand::Merge { from, into } => {
                let n = nb.merge_theme(&from, &into)?;
                eprintln!("'{from}' merged into '{into}': {n} note(s) changed.");
            }
            ThemeCommand::Archive { code } => nb.archive_theme(&code, true)?,
            ThemeCommand::Restore { code } => nb.archive_theme(&code, false)?,
        },
        _ => unreachable!("only coding commands come here"),
    }
    Ok(())
}
