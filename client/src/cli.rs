//! `carnet`: the command line of a Carnet notebook. A thin layer: each
//! command parses its arguments, calls the [`Notebook`] API and prints.
//! (In the library so the cross-crate tests build it as their own
//! binary; `src/bin/carnet.rs` only calls [`main`].)

mod args;
mod coding;
mod directory;
mod output;
mod records;
mod review;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use crate::sync::{self as team_sync, SyncProgress};
use crate::transfer::{self, ExportFormat, ImportEvent, ImportFormat};
use crate::{ClientError, Environment, NoteFilter, Notebook, Passphrase, Protection, Unlock};
use anyhow::{bail, Context};
use carnet_core::RecordId;
use clap::Parser;

use args::*;
use coding::run_coding;
use directory::{run_directory, run_resource};
use output::*;
use records::{run_incident, run_note, run_person, run_referral, run_retention};
use review::run_inbox;

/// The passphrase from `--passphrase-file`, else `$CARNET_PASSPHRASE`;
/// `choose` when it seals a new notebook (then it must be long enough).
fn passphrase(
    file: Option<&std::path::Path>,
    var: &str,
    choose: bool,
) -> anyhow::Result<Option<Passphrase>> {
    let text = match file {
        Some(path) => Some(Passphrase::from_file(path)?),
        None => match std::env::var(var) {
            Ok(t) if !t.is_empty() => Some(Passphrase::new(t)?),
            _ => None,
        },
    };
    Ok(match text {
        Some(p) if choose => Some(p.as_new()?),
        other => other,
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = data_dir(&cli.data_dir)?;
    let creating = matches!(
        cli.command,
        Command::Init { .. } | Command::Join { .. } | Command::Restore { .. }
    );
    let unlock = match passphrase(
        cli.passphrase_file.as_deref(),
        "CARNET_PASSPHRASE",
        creating,
    )? {
        Some(p) => Unlock::Passphrase(p),
        None => Unlock::SecretStore,
    };
    let env = Environment::unlocked_by(unlock.clone());
    let open = || Notebook::open(&dir, env.clone());
    match cli.command {
        Command::Init { team, member } => {
            let nb = Notebook::create(&dir, &team, &member, env.clone())?;
            println!("{}", nb.workspace_id());
            eprintln!(
                "Notebook for team '{}' created in {}.",
                team.trim(),
                dir.display()
            );
        }
        Command::Note(cmd) => run_note(&mut open()?, cmd)?,
        Command::Inbox { action, all, json } => run_inbox(&mut open()?, action, all, json)?,
        cmd @ (Command::Code { .. }
        | Command::Uncode { .. }
        | Command::Passages { .. }
        | Command::Agreement { .. }
        | Command::Theme(_)) => run_coding(&mut open()?, cmd)?,
        Command::Show { id, json } => {
            let id: RecordId = parse_id(&id)?;
            let mut nb = open()?;
            if json {
                print_json(&nb.get(id)?.to_json())?;
            } else {
                show_human(&mut nb, id)?;
            }
        }
        Command::History { id, json } => {
            let history = open()?.history(parse_id(&id)?)?;
            if json {
                print_json(&history)?;
            } else {
                for h in history {
                    let who = h
                        .author_name
                        .clone()
                        .or(h.entry.author.map(|a| a.to_string()))
                        .unwrap_or_else(|| "?".into());
                    let what = if h.entry.created {
                        "created".to_string()
                    } else {
                        h.entry.fields.join(", ")
                    };
                    println!("{}  {who}  {what}", h.entry.at);
                }
            }
        }
        Command::Conflicts { id: Some(id), json } => {
            let conflicts = open()?.conflicts(parse_id(&id)?)?;
            if json {
                print_json(&conflicts)?;
            } else if conflicts.is_empty() {
                println!("No concurrent values.");
            } else {
                output::print_conflicts(&conflicts, "");
            }
        }
        Command::Conflicts { id: None, json } => {
            let page = open()?.conflicted(u32::MAX, 0)?;
            if json {
                print_json(&page.records)?;
            } else if page.records.is_empty() {
                println!("No record has concurrent values.");
            } else {
                for r in &page.records {
                    println!("{} {}  {}", r.kind, r.id, r.name);
                    output::print_conflicts(&r.conflicts, "  ");
                }
            }
        }
        Command::Search { query, limit, json } => {
            let hits = open()?.search(&query, limit)?;
            if json {
                print_json(&hits)?;
            } else if hits.is_empty() {
                println!("Nothing found for '{query}'.");
            } else {
                for h in hits {
                    println!("{}  {} ({})", h.id, highlight(&h.title_segments), h.kind);
                    let snippet = highlight(&h.snippet);
                    if !snippet.trim().is_empty() {
                        println!("    {}", snippet.replace('\n', " "));
                    }
                }
            }
        }
        Command::Person(cmd) => run_person(&mut open()?, cmd)?,
        Command::Referral(cmd) => run_referral(&mut open()?, cmd)?,
        Command::Incident(cmd) => run_incident(&mut open()?, cmd)?,
        Command::Resource(cmd) => run_resource(&mut open()?, cmd)?,
        Command::Directory(cmd) => run_directory(&mut open()?, cmd)?,
        Command::Retention(cmd) => run_retention(&mut open()?, cmd)?,
        Command::Import { format, file } => {
            let mut nb = open()?;
            let format = match format {
                ImportFmt::Jsonl => ImportFormat::Jsonl,
                ImportFmt::Csv => ImportFormat::Csv,
            };
            let reader: Box<dyn BufRead> = if file == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::io::BufReader::new(
                    std::fs::File::open(&file).with_context(|| format!("could not open {file}"))?,
                ))
            };
            let progress = Progress::new("imported");
            let mut out = std::io::stdout().lock();
            let summary = transfer::import_notes(&mut nb, format, reader, |event| {
                match event {
                    ImportEvent::Imported { id, line } => {
                        writeln!(out, "{id}")
                            .and_then(|_| out.flush())
                            .map_err(|e| ClientError::Io {
                                context: "could not print".into(),
                                source: e,
                            })?;
                        progress.show(line, None);
                    }
                    ImportEvent::Rejected { line, reason } => {
                        progress.finish();
                        eprintln!("line {line}: {reason}");
                    }
                }
                Ok(())
            })?;
            progress.finish();
            eprintln!(
                "{} notes imported, {} lines refused.",
                summary.imported, summary.rejected
            );
            if summary.rejected > 0 {
                bail!(
                    "{} line(s) could not be imported (see above); the other lines were kept",
                    summary.rejected
                );
            }
        }
        Command::Export {
            format,
            out,
            report_themes,
            lang,
            method,
            theme,
            sector,
            author,
            from,
            to,
        } => {
            let mut nb = open()?;
            let progress = Progress::new("exported");
            let filter = NoteFilter {
                method,
                theme,
                sector,
                author,
                from: from.map(|d| d.start()),
                to: to.map(|d| d.plus_days(1).start()),
                ..NoteFilter::default()
            };
            let lang = match lang {
                LangArg::Fr => carnet_core::Lang::Fr,
                LangArg::En => carnet_core::Lang::En,
            };
            if let ExportFmt::Pdf = format {
                let r =
                    crate::report::report_pdf(&mut nb, &filter, lang, Some(&report_themes), &out)?;
                eprintln!(
                    "A report of {} notes on {} pages, {} themes with their passages, written to {}.",
                    r.notes,
                    r.pages,
                    r.themes,
                    out.display()
                );
                return Ok(());
            }
            if let ExportFmt::Qdpx = format {
                let s = crate::qdpx::export_qdpx(&mut nb, &filter, lang, &out, |done, total| {
                    progress.show(done, Some(total));
                    true
                })?;
                progress.finish();
                eprintln!(
                    "{} notes, {} codings and {} themes written to {}.",
                    s.notes,
                    s.codings,
                    s.themes,
                    out.display()
                );
                return Ok(());
            }
            let format = match format {
                ExportFmt::Json => ExportFormat::Json,
                _ => ExportFormat::Csv,
            };
            let filter = (filter != NoteFilter::default()).then_some(filter);
            let n = transfer::export(&mut nb, format, filter.as_ref(), &out, |done, total| {
                progress.show(done, Some(total));
                true
            })?;
            progress.finish();
            eprintln!("{n} records written to {}.", out.display());
        }
        Command::Demo { records, seed } => {
            let mut nb = match open() {
                Ok(nb) => nb,
                Err(ClientError::NoNotebook(_)) => {
                    Notebook::create(&dir, "Équipe de démonstration", "Démo", env.clone())?
                }
                Err(e) => return Err(e.into()),
            };
            let progress = Progress::new("demo records");
            let n = nb.fill_demo(records, seed, |done| progress.show(done, Some(records)))?;
            progress.finish();
            eprintln!("{n} demo records added to {}.", dir.display());
        }
        Command::Join {
            server,
            code,
            device_name,
            member,
            ca_cert,
        } => {
            let ca = match &ca_cert {
                Some(p) => Some(
                    std::fs::read(p).with_context(|| format!("could not read {}", p.display()))?,
                ),
                None => None,
            };
            let device_name = device_name
                .unwrap_or_else(|| std::env::var("HOSTNAME").unwrap_or_else(|_| "laptop".into()));
            let progress = Progress::new("received");
            let (nb, summary) = runtime()?.block_on(team_sync::join(
                &dir,
                team_sync::JoinOptions {
                    server: &server,
                    code: &code,
                    device_name: &device_name,
                    member_name: member.as_deref().unwrap_or(""),
                    ca_pem: ca.as_deref(),
                },
                env.clone(),
                |p: &SyncProgress| progress.show(p.received, p.expected()),
            ))?;
            progress.finish();
            let m = nb.membership()?.ok_or(ClientError::NotJoined)?;
            println!("{}", m.device);
            eprintln!(
                "Joined team '{}' as {} ({}); {} records received.",
                m.team_name,
                nb.member_name(),
                m.role,
                summary.received
            );
        }
        Command::Sync { json } => {
            let mut nb = open()?;
            let client = team_sync::engine::server_client(&nb)?;
            let progress = Progress::new("received");
            let summary = runtime()?.block_on(team_sync::sync_until_quiet(
                &mut nb,
                &client,
                |p: &SyncProgress| progress.show(p.received, p.expected()),
            ))?;
            progress.finish();
            if json {
                print_json(&summary)?;
            } else {
                println!(
                    "sent {}, received {}, erased {}, refused {} ({} rounds, {} bytes up, {} bytes down)",
                    summary.sent, summary.received, summary.erased, summary.rejected.len(), summary.rounds, summary.bytes_sent, summary.bytes_received
                );
                for r in &summary.rejected {
                    println!("  refused {}: {}", r.id, r.reason);
                }
            }
        }
        Command::Status { json } => {
            let nb = open()?;
            let status = team_sync::status(&nb)?;
            if json {
                print_json(&status)?;
            } else {
                match &status.server {
                    None => println!("Personal notebook: not joined to a team server."),
                    Some(server) => {
                        println!(
                            "server: {server} (team {}, {})",
                            status.team.as_deref().unwrap_or("?"),
                            status.role.map_or("?", |r| r.code())
                        );
                        println!(
                            "last sync: {}",
                            status.last_sync.as_deref().unwrap_or("never")
                        );
                        if let Some(e) = &status.last_error {
                            println!("last error: {e}");
                        }
                    }
                }
                println!("records waiting to be sent: {}", status.waiting);
                for r in &status.rejected {
                    println!("refused {} ({}): {}", r.id, r.kind, r.reason);
                }
            }
        }
        Command::Erase { id, reason } => {
            let id: RecordId = parse_id(&id)?;
            let mut nb = open()?;
            let client = team_sync::engine::server_client(&nb)?;
            let rt = runtime()?;
            // A person's referral records go with them.
            for r in nb.erasure_set(id)? {
                rt.block_on(client.erase(r, &reason))?;
            }
            rt.block_on(team_sync::sync_until_quiet(
                &mut nb,
                &client,
                |_: &SyncProgress| {},
            ))?;
            eprintln!("Record {id} is erased; every device removes it on its next sync.");
        }
        Command::Team(cmd) => {
            let nb = open()?;
            let client = team_sync::engine::server_client(&nb)?;
            let rt = runtime()?;
            match cmd {
                TeamCommand::Invite {
                    role,
                    persons,
                    organisation,
                    expires,
                    json,
                } => {
                    let code = rt.block_on(client.invite(role, persons, organisation, expires))?;
                    if json {
                        print_json(&serde_json::json!({ "code": code }))?;
                    } else {
                        println!("{code}");
                    }
                }
                TeamCommand::Devices { json } => {
                    let devices = rt.block_on(client.devices())?;
                    if json {
                        print_json(&devices)?;
                    } else {
                        for d in devices {
                            println!("{}", d.line());
                        }
                    }
                }
                TeamCommand::Revoke { device } => {
                    rt.block_on(client.revoke(parse_id(&device)?))?;
                    eprintln!("Device {device} is revoked.");
                }
            }
        }
        Command::Delete { id, reason } => {
            let id = parse_id(&id)?;
            let mut nb = open()?;
            for r in nb.erasure_set(id)? {
                nb.delete_record(r, &reason)?;
            }
            eprintln!("Record {id} is deleted; nothing of it is left in the notebook's files.");
        }
        Command::Backup {
            out,
            backup_passphrase_file,
        } => {
            let sealed_by = passphrase(
                backup_passphrase_file.as_deref(),
                "CARNET_BACKUP_PASSPHRASE",
                true,
            )?;
            let mut shown = 0;
            let info = open()?.backup(&out, sealed_by.as_ref(), |p| {
                let percent = p.done * 100 / p.total.max(1);
                if percent >= shown + 10 || p.done == p.total {
                    shown = percent;
                    eprint!("\rBackup: {percent}%");
                }
            })?;
            eprintln!();
            println!("{}", out.display());
            eprintln!(
                "Backup of {} ({}) written: {:.1} MiB{}.",
                info.team,
                info.member,
                info.database_bytes as f64 / 1_048_576.0,
                if info.needs_passphrase {
                    "; its passphrase restores it on any computer"
                } else {
                    "; it opens with this notebook's own key"
                }
            );
        }
        Command::Restore {
            file,
            backup_passphrase_file,
        } => {
            let backup = match passphrase(
                backup_passphrase_file.as_deref(),
                "CARNET_BACKUP_PASSPHRASE",
                false,
            )? {
                Some(p) => Unlock::Passphrase(p),
                None => Unlock::SecretStore,
            };
            let info = crate::backup::restore(&file, &dir, &backup, &unlock).map_err(|e| {
                match e {
                    ClientError::Locked => anyhow::anyhow!(
                        "this backup is sealed by a passphrase: give it with --backup-passphrase-file FILE (or CARNET_BACKUP_PASSPHRASE)"
                    ),
                    other => other.into(),
                }
            })?;
            eprintln!(
                "Restored the notebook of {} ({}) into {}.",
                info.team,
                info.member,
                dir.display()
            );
        }
        Command::Key(cmd) => {
            let new = match cmd {
                KeyCommand::Passphrase {
                    new_passphrase_file,
                } => Unlock::Passphrase(
                    passphrase(new_passphrase_file.as_deref(), "CARNET_NEW_PASSPHRASE", true)?
                        .context(
                            "give the new passphrase (--new-passphrase-file FILE, or CARNET_NEW_PASSPHRASE)",
                        )?,
                ),
                KeyCommand::SecretStore => Unlock::SecretStore,
            };
            // Opening first converts a plain notebook and checks the key.
            drop(open()?);
            crate::store::keys::change(&dir, &unlock, &new)?;
            eprintln!(
                "{}",
                match new {
                    Unlock::Passphrase(_) =>
                        "The notebook's key is now sealed by the new passphrase.",
                    Unlock::SecretStore =>
                        "The notebook's key is now kept by the desktop's secret store.",
                }
            );
        }
        Command::Check => {
            let mut nb = open()?;
            println!(
                "{}",
                match crate::store::keys::protection(&dir)? {
                    Protection::SecretStore =>
                        "Encrypted; its key is kept by the desktop's secret store.",
                    Protection::Passphrase => "Encrypted; its key is sealed by a passphrase.",
                    Protection::Plain => "Not encrypted.",
                }
            );
            let damaged = nb.check()?;
            if damaged.is_empty() {
                println!("Every record opens.");
            } else {
                for (id, reason) in &damaged {
                    println!("{id}: {reason}");
                }
                bail!("{} damaged record(s); the others are fine", damaged.len());
            }
        }
        Command::Rebuild => {
            let n = open()?.rebuild_projection()?;
            println!("Rebuilt lists and search from {n} records.");
        }
    }
    Ok(())
}

/// Run the command line with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("carnet: {e:#}");
            ExitCode::FAILURE
        }
    }
}
