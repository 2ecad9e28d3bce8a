//! `carnet`: the command line of a Carnet notebook. A thin layer: each
//! command parses its arguments, calls the [`Notebook`] API and prints.
//! (In the library so the cross-crate tests build it as their own
//! binary; `src/bin/carnet.rs` only calls [`main`].)

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::search::Segment;
use crate::sync::{self as team_sync, SyncProgress};
use crate::transfer::{self, ExportFormat, ImportEvent, ImportFormat};
use crate::{
    ClientError, Environment, NoteFilter, NoteInput, Notebook, Page, PersonInput, ReferralInput,
};
use anyhow::{bail, Context};
use carnet_core::record::Record;
use carnet_core::sync::Role;
use carnet_core::vocab::{
    AgeGroup, Lang, Method, NeedCategory, ReferralStatus, ReviewStatus, Vocabulary,
};
use carnet_core::{Day, ItemId, MemberId, RecordId, Timestamp};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "carnet",
    version,
    about = "Carnet: the field notebook of outreach teams"
)]
struct Cli {
    /// Where the notebook lives (default: $CARNET_DATA_DIR, else the platform's data directory).
    #[arg(long, global = true, env = "CARNET_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a notebook for a team.
    Init {
        /// The team's name.
        #[arg(long)]
        team: String,
        /// Your name, as the team knows you.
        #[arg(long)]
        member: String,
    },
    /// Capture and edit notes.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Show any record.
    Show {
        /// The record's id.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Who changed what in a record, and when.
    History {
        /// The record's id.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Fields that two people set differently offline.
    Conflicts {
        /// The record's id.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Search everything written, accents and case ignored.
    Search {
        /// Words to find.
        query: String,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Persons the team follows.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Referrals to services (social prescription).
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// Import notes from JSON Lines or CSV (a path, or - for standard input).
    Import {
        #[arg(long, value_enum)]
        format: ImportFmt,
        /// The file, or - for standard input.
        file: String,
    },
    /// Export every record (json) or the notes (csv).
    Export {
        #[arg(long, value_enum)]
        format: ExportFmt,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Fill the notebook with synthetic French and English records.
    Demo {
        /// How many records.
        #[arg(long)]
        records: usize,
        /// Seed of the generator (same seed, same records).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Join a team with an invitation code, into an empty data directory.
    Join {
        /// The team server, e.g. https://carnet.example.org
        #[arg(long)]
        server: String,
        /// The invitation code from your coordinator.
        #[arg(long)]
        code: String,
        /// A name for this device.
        #[arg(long)]
        device_name: Option<String>,
        /// Your name, as the team knows you (when the code was not made for you).
        #[arg(long)]
        member: Option<String>,
        /// A certificate to trust for this server (PEM), for self-signed servers.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Sync with the team server until both sides are quiet.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Where this notebook stands with its team server.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Erase a record everywhere (coordinators): a person and their
    /// referrals, or a note that should never have named someone.
    Erase {
        id: String,
        /// Why (kept by the server; the content is not).
        #[arg(long)]
        reason: String,
    },
    /// The team: invitations, devices, revocation (coordinators).
    #[command(subcommand)]
    Team(TeamCommand),
    /// Check every record decodes; flag the damaged ones.
    Check,
    /// Rebuild lists and the search index from the documents.
    Rebuild,
}

#[derive(Subcommand)]
enum NoteCommand {
    /// Capture a note; prints its id.
    Add {
        #[arg(long)]
        method: Method,
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        place: Option<String>,
        /// A theme code of the codebook (repeat for several).
        #[arg(long = "theme")]
        themes: Vec<String>,
        /// When it happened (RFC 3339), default now.
        #[arg(long)]
        occurred_at: Option<Timestamp>,
        /// A follow-up is due on this day (YYYY-MM-DD).
        #[arg(long)]
        follow_up: Option<Day>,
    },
    /// Edit a note.
    Edit {
        id: String,
        #[arg(long)]
        title: Option<String>,
        /// Add a paragraph at the end of the body.
        #[arg(long)]
        append: Option<String>,
        #[arg(long)]
        status: Option<ReviewStatus>,
    },
    /// The journal, newest first.
    List {
        #[arg(long)]
        method: Option<Method>,
        #[arg(long)]
        theme: Option<String>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        author: Option<MemberId>,
        #[arg(long)]
        status: Option<ReviewStatus>,
        /// Only notes with a follow-up due by this day.
        #[arg(long)]
        due_by: Option<Day>,
        #[arg(long)]
        from: Option<Timestamp>,
        #[arg(long)]
        to: Option<Timestamp>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long)]
        json: bool,
    },
    /// Add a timestamped entry to a shadowing log; prints its id.
    Log {
        id: String,
        text: String,
        #[arg(long)]
        place: Option<String>,
    },
    /// Add a story told in a workshop; prints its id.
    Story {
        id: String,
        text: String,
        /// Who told it, described anonymously.
        #[arg(long)]
        told_by: Option<String>,
    },
    /// Comment on a note; prints the comment's id.
    Comment { id: String, text: String },
}

#[derive(Subcommand)]
enum PersonCommand {
    /// Open a person's file; prints the id.
    Add {
        #[arg(long)]
        pseudonym: String,
        #[arg(long)]
        age_group: Option<AgeGroup>,
        #[arg(long = "language")]
        languages: Vec<String>,
        #[arg(long)]
        sector: Option<String>,
        #[arg(long = "need")]
        needs: Vec<NeedCategory>,
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReferralCommand {
    /// Refer a person to a service; prints the referral's id.
    Add {
        #[arg(long)]
        person: String,
        #[arg(long)]
        service: String,
        #[arg(long)]
        need: NeedCategory,
        #[arg(long)]
        note: Option<String>,
    },
    /// Move a referral to a new status.
    Status {
        referral_id: String,
        status: ReferralStatus,
        #[arg(long)]
        note: Option<String>,
    },
    /// Referrals, newest first.
    List {
        #[arg(long)]
        status: Option<ReferralStatus>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Create an invitation code.
    Invite {
        #[arg(long)]
        role: Role,
        /// Grant access to persons and referrals.
        #[arg(long)]
        persons: bool,
        /// Hours until the code expires.
        #[arg(long)]
        expires: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The team's devices.
    Devices {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: it keeps its notes but can no longer sync.
    Revoke { device: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFmt {
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFmt {
    Json,
    Csv,
}

fn data_dir(cli: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match cli {
        Some(d) => Ok(d.clone()),
        None => dirs::data_dir()
            .map(|d| d.join("carnet"))
            .context("could not find a data directory; pass --data-dir DIR"),
    }
}

fn parse_id<T: std::str::FromStr>(s: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| anyhow::anyhow!("{e}"))
}

fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn highlight(segments: &[Segment]) -> String {
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
struct Progress {
    label: &'static str,
    on: bool,
}

impl Progress {
    fn new(label: &'static str) -> Self {
        Self {
            label,
            on: std::io::stderr().is_terminal(),
        }
    }
    fn show(&self, done: usize, total: Option<usize>) {
        if !self.on {
            return;
        }
        match total {
            Some(t) if t > 0 => eprint!("\r{}: {done}/{t} ({}%)   ", self.label, done * 100 / t),
            _ => eprint!("\r{}: {done}   ", self.label),
        }
    }
    fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn show_human(nb: &mut Notebook, id: RecordId) -> anyhow::Result<()> {
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

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = data_dir(&cli.data_dir)?;
    let env = Environment::default();
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
        Command::Conflicts { id, json } => {
            let conflicts = open()?.conflicts(parse_id(&id)?)?;
            if json {
                print_json(&conflicts)?;
            } else if conflicts.is_empty() {
                println!("No concurrent values.");
            } else {
                for c in conflicts {
                    let values: Vec<String> = c
                        .values
                        .iter()
                        .map(|v| {
                            format!(
                                "'{}' ({})",
                                v.value,
                                v.author.map(|a| a.to_string()).unwrap_or_default()
                            )
                        })
                        .collect();
                    println!("{}: {}", c.path, values.join(" / "));
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
        Command::Person(PersonCommand::Add {
            pseudonym,
            age_group,
            languages,
            sector,
            needs,
            notes,
        }) => {
            let id = open()?.create_person(PersonInput {
                pseudonym,
                age_group,
                languages,
                sector,
                needs,
                notes,
            })?;
            println!("{id}");
        }
        Command::Referral(cmd) => run_referral(&mut open()?, cmd)?,
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
        Command::Export { format, out } => {
            let mut nb = open()?;
            let progress = Progress::new("exported");
            let format = match format {
                ExportFmt::Json => ExportFormat::Json,
                ExportFmt::Csv => ExportFormat::Csv,
            };
            let n = transfer::export(&mut nb, format, &out, |done, total| {
                progress.show(done, Some(total))
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
                team_sync::JoinRequest {
                    server: &server,
                    code: &code,
                    device_name: &device_name,
                    member_name: member.as_deref().unwrap_or(""),
                    ca_pem: ca.as_deref(),
                },
                env.clone(),
                |p: &SyncProgress| progress.show(p.received, None),
            ))?;
            progress.finish();
            println!("{}", nb.setting("device_id")?.unwrap_or_default());
            eprintln!(
                "Joined team '{}' as {} ({}); {} records received.",
                nb.setting("team_name")?.unwrap_or_default(),
                nb.member_name(),
                nb.setting("role")?.unwrap_or_default(),
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
                |p: &SyncProgress| progress.show(p.received, None),
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
                            status.role.as_deref().unwrap_or("?")
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
            rt.block_on(client.erase(id, &reason))?;
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
                    expires,
                    json,
                } => {
                    let code = rt.block_on(client.invite(role, persons, expires))?;
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
                    rt.block_on(client.revoke(&device))?;
                    eprintln!("Device {device} is revoked.");
                }
            }
        }
        Command::Check => {
            let damaged = open()?.check()?;
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

fn run_note(nb: &mut Notebook, cmd: NoteCommand) -> anyhow::Result<()> {
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
                    let method: Method = n.method.parse().unwrap_or(Method::Outreach);
                    println!(
                        "{}  {}  {:<26}  {}",
                        n.id,
                        &n.occurred_at.to_rfc3339()[..16],
                        method.label(Lang::Fr),
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
        NoteCommand::Story { id, text, told_by } => {
            println!(
                "{}",
                nb.add_story(parse_id(&id)?, &text, told_by.as_deref())?
            );
        }
        NoteCommand::Comment { id, text } => {
            println!("{}", nb.add_comment(parse_id(&id)?, &text)?);
        }
    }
    Ok(())
}

fn run_referral(nb: &mut Notebook, cmd: ReferralCommand) -> anyhow::Result<()> {
    match cmd {
        ReferralCommand::Add {
            person,
            service,
            need,
            note,
        } => {
            let id = nb.add_referral(
                parse_id(&person)?,
                ReferralInput {
                    service,
                    resource_id: None,
                    need,
                    note,
                    status: None,
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
