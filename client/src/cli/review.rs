//! The office's review from the command line: the inbox of what others
//! changed since you last looked, one record's changes, marking seen.

use std::collections::HashMap;

use carnet_core::changes::{MemberChanges, SpanKind};
use carnet_core::RecordId;

use super::args::InboxCommand;
use super::output::*;
use crate::queries::records::member_names;
use crate::{InboxFilter, Notebook};

/// What one member did, in a line: "Jean: created it" or "Jean: 42
/// words added, a comment, referral status → accepted; changed title,
/// themes".
pub(super) fn member_line(m: &MemberChanges, names: &HashMap<String, String>) -> String {
    let who = m
        .author
        .map(|a| {
            names
                .get(&a.to_string())
                .cloned()
                .unwrap_or_else(|| a.to_string())
        })
        .unwrap_or_else(|| "someone".into());
    if m.created {
        return format!("{who}: created it");
    }
    let mut did = Vec::new();
    if m.words_added > 0 {
        did.push(format!("{} words added", m.words_added));
    }
    if m.text_removed {
        did.push("text removed".into());
    }
    if m.comments_added > 0 {
        did.push(format!("{} comment(s)", m.comments_added));
    }
    if m.codings_added > 0 {
        did.push(format!(
            "{} passage(s) coded ({})",
            m.codings_added,
            m.themes_coded.join(", ")
        ));
    }
    for s in &m.statuses {
        did.push(format!("a referral moved to {s}"));
    }
    let mut fields: Vec<&str> = m
        .fields
        .iter()
        .map(|f| f.split('.').next().unwrap_or(f))
        .collect();
    fields.dedup();
    if !fields.is_empty() {
        did.push(format!("changed {}", fields.join(", ")));
    }
    format!("{who}: {}", did.join("; "))
}

pub(super) fn run_inbox(
    nb: &mut Notebook,
    action: Option<InboxCommand>,
    all: bool,
    json: bool,
) -> anyhow::Result<()> {
    match action {
        None => {
            let filter = InboxFilter {
                include_seen: all,
                ..Default::default()
            };
            let page = nb.inbox(&filter, 500, 0)?;
            if json {
                return print_json(&page.items);
            }
            if page.items.is_empty() {
                println!("Nothing new since you last looked.");
                return Ok(());
            }
            let names = member_names(nb.store().conn())?;
            for item in &page.items {
                let flags = match (item.mention, item.seen) {
                    (_, true) => "  (seen)",
                    (true, false) => "  (mentions you)",
                    _ => "",
                };
                println!(
                    "{} {}  {}  {}{flags}",
                    item.kind, item.id, item.title, item.last_at
                );
                for m in &item.by {
                    println!("  {}", member_line(m, &names));
                }
            }
            if page.total > page.items.len() as i64 {
                println!("… and {} more.", page.total - page.items.len() as i64);
            }
        }
        Some(InboxCommand::Seen { ids, all: every }) => {
            let n = if every {
                nb.mark_seen(None)?
            } else {
                let ids = ids
                    .iter()
                    .map(|i| parse_id::<RecordId>(i))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                if ids.is_empty() {
                    anyhow::bail!("name the records to mark seen, or pass --all");
                }
                nb.mark_seen(Some(&ids))?
            };
            eprintln!("{n} marked seen.");
        }
        Some(InboxCommand::Unseen { ids }) => {
            let ids = ids
                .iter()
                .map(|i| parse_id::<RecordId>(i))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let n = nb.mark_unseen(&ids)?;
            eprintln!("{n} marked not seen.");
        }
        Some(InboxCommand::Show { id, json }) => {
            let detail = nb.inbox_item(parse_id(&id)?)?;
            if json {
                return print_json(&detail);
            }
            let names = member_names(nb.store().conn())?;
            println!(
                "{} {}  {}",
                detail.item.kind, detail.item.id, detail.item.title
            );
            for m in &detail.item.by {
                println!("  {}", member_line(m, &names));
            }
            for f in &detail.fields {
                let context = f
                    .context
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                println!("{}{context}: {} → {}", f.path, f.before, f.after);
            }
            for t in &detail.texts {
                println!("{}:", t.path);
                let text: String = t
                    .spans
                    .iter()
                    .map(|s| match s.kind {
                        SpanKind::Kept => s.text.clone(),
                        SpanKind::Added => format!("{{+{}+}}", s.text),
                        SpanKind::Removed => format!("[-{}-]", s.text),
                    })
                    .collect();
                println!("  {text}");
            }
        }
    }
    Ok(())
}
