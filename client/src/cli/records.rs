//! The note, person and referral subcommands.

use crate::{NoteFilter, NoteInput, Notebook, Page, PersonInput, ReferralInput, TimerAction};
use anyhow::bail;
use carnet_core::vocab::{Lang, ReviewStatus, Vocabulary};
use carnet_core::{ItemId, RecordId};

use super::args::*;
use super::output::*;

pub(super) fn run_note(nb: &mut Notebook, cmd: NoteCommand) -> anyhow::Result<()> {
    match cmd {
        NoteCommand::Add {
            method,
            title,
            body,
            place,
            themes,
            occurred_at,
            follow_up,
        } => {
            let id = nb.create_note(NoteInput {
                method: Some(method),
                title,
                body,
                place,
                themes,
                occurred_at,
                follow_up_due: follow_up,
                ..NoteInput::default()
            })?;
            println!("{id}");
        }
        NoteCommand::Edit {
            id,
            title,
            append,
            status,
        } => {
            let id: RecordId = parse_id(&id)?;
            if title.is_none() && append.is_none() && status.is_none() {
                bail!("nothing to change: give --title, --append or --status");
            }
            nb.edit_note(id, |n| {
                if let Some(t) = title {
                    n.title = t.trim().to_string();
                }
                if let Some(a) = append {
                    n.body.append_paragraph(&a);
                }
                if let Some(s) = status {
                    if s == ReviewStatus::NeedsChanges && n.review != s {
                        return Err(crate::ClientError::BadInput(
                            "to send a note back, say what needs changing: carnet note send-back ID --what TEXT".into(),
                        ));
                    }
                    n.review = s;
                }
                Ok(())
            })?;
        }
        NoteCommand::List {
            method,
            theme,
            place,
            author,
            status,
            due_by,
            from,
            to,
            limit,
            offset,
            json,
        } => {
            let filter = NoteFilter {
                method,
                theme,
                place_text: place,
                author,
                review: status,
                follow_up_due_by: due_by,
                from,
                to,
                ..NoteFilter::default()
            };
            let page = nb.list_notes(&filter, Page { offset, limit })?;
            if json {
                print_json(&page.items)?;
            } else {
                for n in &page.items {
                    println!(
                        "{}  {}  {:<26}  {}",
                        n.id,
                        &n.occurred_at.to_rfc3339()[..16],
                        n.method.label(Lang::Fr),
                        n.title
                    );
                }
                eprintln!("{} of {} notes.", page.items.len(), page.total);
            }
        }
        NoteCommand::Log { id, text, place } => {
            println!(
                "{}",
                nb.add_shadow_entry(parse_id(&id)?, &text, place.as_deref())?
            );
        }
        NoteCommand::Timer { id, action } => {
            let action = match action {
                TimerArg::Start => TimerAction::Start,
                TimerArg::Pause => TimerAction::Pause,
                TimerArg::Finish => TimerAction::Finish,
            };
            nb.shadow_timer(parse_id(&id)?, action)?;
        }
        NoteCommand::Story { id, text, told_by } => {
            println!(
                "{}",
                nb.add_story(parse_id(&id)?, &text, told_by.as_deref())?
            );
        }
        NoteCommand::Comment { id, text, reply_to } => {
            let reply_to = reply_to.as_deref().map(parse_id).transpose()?;
            println!("{}", nb.reply(parse_id(&id)?, reply_to, &text)?);
        }
        NoteCommand::SendBack { id, what } => {
            println!("{}", nb.request_changes(parse_id(&id)?, &what)?);
        }
        NoteCommand::EditComment { id, comment, text } => {
            nb.edit_comment(parse_id(&id)?, parse_id(&comment)?, &text)?;
        }
        NoteCommand::DeleteComment { id, comment } => {
            nb.delete_comment(parse_id(&id)?, parse_id(&comment)?)?;
        }
    }
    Ok(())
}

pub(super) fn run_person(nb: &mut Notebook, cmd: PersonCommand) -> anyhow::Result<()> {
    match cmd {
        PersonCommand::Add {
            pseudonym,
            age_group,
            languages,
            sector,
            needs,
            notes,
        } => {
            let id = nb.create_person(PersonInput {
                pseudonym,
                age_group,
                languages,
                sector,
                needs,
                notes,
            })?;
            println!("{id}");
        }
        PersonCommand::Consent {
            person,
            purpose,
            withdraw,
            how,
        } => {
            let e = nb.record_consent(parse_id(&person)?, purpose, !withdraw, how)?;
            println!("{}", e.consent);
            if e.identity_removed {
                println!("removed: the person's name, phone and address");
            }
            if e.referrals_unshared > 0 {
                println!(
                    "removed: the person's identity from {} referral(s)",
                    e.referrals_unshared
                );
            }
            if e.referrals_cancelled > 0 {
                println!("cancelled: {} open referral(s)", e.referrals_cancelled);
            }
            if e.follow_ups_dropped > 0 {
                println!("removed: {} planned follow-up(s)", e.follow_ups_dropped);
            }
            if e.left_out_of_synthesis {
                println!("the person's referrals are left out of the synthesis");
            }
        }
        PersonCommand::Identity {
            person,
            name,
            phone,
            address,
        } => {
            nb.set_identity(
                parse_id(&person)?,
                carnet_core::record::Identity {
                    name,
                    phone,
                    address,
                },
            )?;
        }
        PersonCommand::Rewrite { person, reason } => {
            let old: RecordId = parse_id(&person)?;
            if reason.trim().is_empty() {
                bail!("say why the file's history is removed (--reason; kept, never the content)");
            }
            // The old file goes with its referral records (copied, too).
            if nb.membership()?.is_none() {
                let new = nb.rewrite_person(old)?;
                for id in nb.erasure_set(old)? {
                    nb.delete_record(id, &reason)?;
                }
                println!("{new}");
                return Ok(());
            }
            let client = crate::sync::engine::server_client(nb)?;
            let rt = runtime()?;
            // Reachable, and this member may erase: before anything changes.
            rt.block_on(client.devices())?;
            let new = nb.rewrite_person(old)?;
            for id in nb.erasure_set(old)? {
                rt.block_on(client.erase(id, &reason))?;
            }
            rt.block_on(crate::sync::sync_until_quiet(nb, &client, |_| {}))?;
            println!("{new}");
        }
        PersonCommand::Export { person, out, lang } => {
            let lang = lang.as_deref().map(parse_lang).transpose()?;
            let files = nb.export_person(parse_id(&person)?, lang, &out)?;
            println!("{}", files.json.display());
            println!("{}", files.pdf.display());
        }
    }
    Ok(())
}

pub(super) fn read_json<T: serde::de::DeserializeOwned>(file: &str) -> anyhow::Result<T> {
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("could not read {file}: {e}"))?
    };
    serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{file} is not a valid entry: {e}"))
}

fn parse_lang(lang: &str) -> anyhow::Result<Lang> {
    match lang {
        "fr" => Ok(Lang::Fr),
        "en" => Ok(Lang::En),
        other => bail!("'{other}' is not a language Carnet writes: fr or en"),
    }
}

pub(super) fn run_incident(nb: &mut Notebook, cmd: IncidentCommand) -> anyhow::Result<()> {
    match cmd {
        IncidentCommand::Add { file } => {
            println!("{}", nb.create_incident(read_json(&file)?)?);
        }
        IncidentCommand::Update { id, file } => {
            nb.update_incident(parse_id(&id)?, read_json(&file)?)?;
        }
        IncidentCommand::List { json } => {
            let list = nb.incidents()?;
            if json {
                print_json(&list)?;
            } else {
                for e in list {
                    println!(
                        "{}  {}  {}{}",
                        e.id,
                        e.incident.aware_on.to_iso(),
                        e.incident.title,
                        if e.missing.is_empty() {
                            String::new()
                        } else {
                            format!("  (to complete: {})", e.missing.join(", "))
                        }
                    );
                }
            }
        }
        IncidentCommand::Export { format, out, lang } => {
            let lang = parse_lang(&lang)?;
            match format {
                RegisterFmt::Csv => {
                    let n = nb.register_csv(&out, lang)?;
                    eprintln!("{n} incident(s) written to {}", out.display());
                }
                RegisterFmt::Pdf => {
                    let pages = nb.register_pdf(&out, lang)?;
                    eprintln!("{pages} page(s) written to {}", out.display());
                }
            }
        }
    }
    Ok(())
}

pub(super) fn run_retention(nb: &mut Notebook, cmd: RetentionCommand) -> anyhow::Result<()> {
    match cmd {
        RetentionCommand::Set {
            inactive_months,
            closed_referral_years,
        } => nb.set_retention(carnet_core::record::Retention {
            inactive_person_months: inactive_months,
            closed_referral_years,
        })?,
        RetentionCommand::Review { json } => {
            let review = nb.retention_review()?;
            if json {
                print_json(&review)?;
            } else {
                for p in &review.persons {
                    println!(
                        "person    {}  {}  last activity {}",
                        p.id,
                        p.pseudonym,
                        p.last_activity.day().to_iso()
                    );
                }
                for r in &review.referrals {
                    println!(
                        "referral  {}  {}  {}  closed {}",
                        r.id,
                        r.pseudonym,
                        r.service,
                        r.closed_at.day().to_iso()
                    );
                }
            }
        }
    }
    Ok(())
}

pub(super) fn run_referral(nb: &mut Notebook, cmd: ReferralCommand) -> anyhow::Result<()> {
    match cmd {
        ReferralCommand::Add {
            person,
            service,
            need,
            note,
            share_identity,
        } => {
            // A directory service's id, or a service named in words.
            let service_id = service.trim().parse::<ItemId>().ok();
            let id = nb.add_referral(
                parse_id(&person)?,
                ReferralInput {
                    service: if service_id.is_some() {
                        String::new()
                    } else {
                        service
                    },
                    resource_id: None,
                    service_id,
                    need,
                    note,
                    status: None,
                    share_identity,
                },
            )?;
            println!("{id}");
        }
        ReferralCommand::Status {
            referral_id,
            status,
            note,
        } => {
            let id: ItemId = parse_id(&referral_id)?;
            nb.set_referral_status(id, status, note.as_deref())?;
        }
        ReferralCommand::Accept {
            referral_id,
            reason,
        } => {
            nb.answer_referral(parse_id(&referral_id)?, true, reason.as_deref())?;
        }
        ReferralCommand::Decline {
            referral_id,
            reason,
        } => {
            nb.answer_referral(parse_id(&referral_id)?, false, reason.as_deref())?;
        }
        ReferralCommand::Close {
            referral_id,
            outcome,
            note,
        } => {
            let status = nb.close_referral(parse_id(&referral_id)?, outcome, note.as_deref())?;
            println!("{status}");
        }
        ReferralCommand::List { status, json } if nb.partner_organisation()?.is_some() => {
            // A partner's device lists the referrals addressed to it.
            let list: Vec<_> = nb
                .addressed_referrals()?
                .into_iter()
                .filter(|t| status.is_none_or(|s| t.referral.status == s))
                .collect();
            if json {
                print_json(&list)?;
            } else {
                for t in list {
                    println!(
                        "{}  {:<10} {:<16} {}",
                        t.id, t.pseudonym, t.referral.status, t.referral.service
                    );
                }
            }
        }
        ReferralCommand::Message { referral_id, text } => {
            let id = nb.post_referral_message(parse_id(&referral_id)?, &text)?;
            println!("{id}");
        }
        ReferralCommand::Thread { referral_id, json } => {
            let thread = nb.referral_thread(parse_id(&referral_id)?)?;
            if json {
                print_json(&thread)?;
            } else {
                println!(
                    "{} — {} ({})",
                    thread.pseudonym, thread.referral.service, thread.referral.status
                );
                for step in &thread.steps {
                    println!(
                        "  {}  {:<12} {}{}",
                        step.at,
                        step.status,
                        step.by,
                        step.note
                            .as_deref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_default()
                    );
                }
                for m in &thread.messages {
                    println!("  {}  {}: {}", m.at, m.by, m.text);
                }
            }
        }
        ReferralCommand::List { status, json } => {
            let list = nb.list_referrals(status)?;
            if json {
                print_json(&list)?;
            } else {
                for r in list {
                    println!(
                        "{}  {:<10} {:<16} {}",
                        r.id, r.pseudonym, r.status, r.service
                    );
                }
            }
        }
    }
    Ok(())
}
