//! Benchmark of the local notebook at size, with the demo generator.
//!
//! `cargo bench -p carnet-client --bench notebook` (100,000 records) or
//! `... -- --records N`. `-- --in DIR` generates the notebook in DIR and
//! keeps it, or reuses the one already there; `-- --in DIR --synthesis`
//! then measures only the synthesis, `--search` only the search, five
//! times over (to study one part at size). Under `cargo test` (no `--bench` argument) it runs
//! a small smoke mode so CI stays fast. Measures:
//! - capture latency: create a note, then 20 body edits, each durable;
//! - search latency over 20 queries;
//! - opening the notebook and listing the first 50 notes of the journal;
//! - resident memory of a process that just opened it and listed a page;
//! - the review inbox: merging 2,000 records another member changed
//!   (with the news worked out), the inbox's first page, and opening a
//!   record with its changes;
//! - coded passages: the passage view's first page for the most used
//!   theme (thousands of passages at 100,000 records), filtered, and each
//!   theme's use;
//! - the synthesis: every aggregate of the dashboard, for several filters;
//! - exports: the whole team's PDF report, and its REFI-QDA project
//!   (every note, streamed) with the process's peak memory;
//! - database size per record.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use carnet_client::{
    Environment, InboxFilter, Incoming, NoteFilter, NoteInput, Notebook, Page, PassageFilter,
};
use carnet_core::vocab::Method;
use carnet_core::{
    Actor, Codebook, CoreError, MemberId, Record, RecordDoc, RecordKind, SystemIds, Timestamp,
};

const QUERIES: [&str; 20] = [
    "epicerie",
    "jerome",
    "café",
    "aînée",
    "loyer",
    "garderie",
    "pharmacie",
    "isolée",
    "autobus",
    "school",
    "rent",
    "grocery",
    "clinic hours",
    "parc érables",
    "internet",
    "français",
    "méfiance",
    "repas communautaire",
    "library",
    "dépanneur",
];

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Child mode: open, list the first page, report time and memory.
fn open_and_list(dir: &Path) {
    let start = Instant::now();
    let nb = Notebook::open(dir, Environment::default()).expect("open");
    let page = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 50,
            },
        )
        .expect("list");
    let elapsed = start.elapsed();
    assert_eq!(page.items.len(), 50);
    println!("{} {}", elapsed.as_micros(), rss_kib());
}

/// The referral board: every referral of the team (the board groups them
/// by status in the window), then the open ones of one status.
fn board(nb: &Notebook) {
    let mut all = Vec::new();
    let mut count = 0;
    for _ in 0..5 {
        let t = Instant::now();
        count = nb.list_referrals(None).expect("referrals").len();
        all.push(t.elapsed());
    }
    let t = Instant::now();
    let requested = nb
        .list_referrals(Some(carnet_core::vocab::ReferralStatus::Requested))
        .expect("requested")
        .len();
    let one = t.elapsed();
    println!(
        "referral board: all {count} referrals p50 {}  max {}; the {requested} requested {}",
        ms(percentile(&mut all, 0.5)),
        ms(*all.iter().max().expect("runs")),
        ms(one)
    );
}

/// The search's latency over [`QUERIES`], each asked `rounds` times in a
/// row of the twenty (the first round reads a cold cache).
fn search(nb: &Notebook, rounds: usize) {
    for round in 0..rounds {
        let mut searches = Vec::new();
        let mut hits = 0;
        for q in QUERIES {
            let t = Instant::now();
            hits += nb.search(q, 20).expect("search").len();
            searches.push(t.elapsed());
        }
        println!(
            "search (20 queries, top 20){}: p50 {}  p95 {}  ({hits} hits)",
            if rounds > 1 {
                format!(", round {}", round + 1)
            } else {
                String::new()
            },
            ms(percentile(&mut searches, 0.5)),
            ms(percentile(&mut searches, 0.95))
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--open-and-list") {
        open_and_list(Path::new(&args[i + 1]));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let records: usize = args
        .iter()
        .position(|a| a == "--records")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(if full { 100_000 } else { 2_000 });
    let captures = if full { 50 } else { 5 };
    println!(
        "carnet notebook benchmark: {records} records{}",
        if full { "" } else { " (smoke mode)" }
    );

    let temp = tempfile::tempdir().expect("temp dir");
    let dir = match args.iter().position(|a| a == "--in") {
        Some(i) => Path::new(args.get(i + 1).expect("--in DIR")).to_path_buf(),
        None => temp.path().to_path_buf(),
    };
    let reused = Notebook::open(&dir, Environment::default()).is_ok();
    if reused {
        println!("reusing the notebook in {}", dir.display());
    } else {
        let start = Instant::now();
        {
            let mut nb = Notebook::create(&dir, "Benchmark", "Bench", Environment::default())
                .expect("create");
            nb.fill_demo(records, 42, |_| {}).expect("demo");
        }
        let fill = start.elapsed();
        println!(
            "generate and store:        {:.1} s ({:.0} records/s)",
            fill.as_secs_f64(),
            records as f64 / fill.as_secs_f64()
        );
    }
    if args.iter().any(|a| a == "--search") {
        search(
            &Notebook::open(&dir, Environment::default()).expect("open"),
            5,
        );
        return;
    }
    if args.iter().any(|a| a == "--synthesis") {
        synthesis(&Notebook::open(&dir, Environment::default()).expect("open"));
        return;
    }

    // Open + first page, each in a fresh process so memory is the app's own.
    let exe = std::env::current_exe().expect("exe");
    let mut opens = Vec::new();
    let mut rss = 0;
    for _ in 0..5 {
        let out = Command::new(&exe)
            .arg("--open-and-list")
            .arg(&dir)
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace();
        let (Some(us), Some(kib)) = (
            it.next().and_then(|v| v.parse::<u64>().ok()),
            it.next().and_then(|v| v.parse::<u64>().ok()),
        ) else {
            panic!("child failed: {}", String::from_utf8_lossy(&out.stderr));
        };
        opens.push(Duration::from_micros(us));
        rss = rss.max(kib);
    }
    println!(
        "open + first 50 notes:     p50 {}  max {}",
        ms(percentile(&mut opens, 0.5)),
        ms(*opens.iter().max().expect("runs"))
    );
    println!("resident memory after open: {:.1} MiB", rss as f64 / 1024.0);

    let mut nb = Notebook::open(&dir, Environment::default()).expect("open");
    let mut capture = Vec::new();
    for i in 0..captures {
        let t = Instant::now();
        let id = nb
            .create_note(NoteInput {
                method: Some(Method::Outreach),
                title: format!("Capture {i}"),
                ..NoteInput::default()
            })
            .expect("create");
        capture.push(t.elapsed());
        let mut body = String::new();
        for w in 0..20 {
            body.push_str(if w % 2 == 0 {
                "Rencontre à l'épicerie "
            } else {
                "avec une aînée du quartier. "
            });
            let t = Instant::now();
            nb.set_body(id, &body).expect("edit");
            capture.push(t.elapsed());
        }
    }
    let (p50, p99) = (
        percentile(&mut capture, 0.5),
        percentile(&mut capture, 0.99),
    );
    println!(
        "capture (create + 20 edits, each durable): p50 {}  p99 {}  ({} operations)",
        ms(p50),
        ms(p99),
        capture.len()
    );

    search(&nb, 1);
    board(&nb);
    inbox(&mut nb, if full { 2_000 } else { 200 });
    passages(&nb);
    synthesis(&nb);
    exports(&mut nb, &dir);

    drop(nb);
    let size = dir_size(&dir);
    println!(
        "database size:             {:.1} MiB, {:.2} KiB per record",
        size as f64 / 1_048_576.0,
        size as f64 / 1024.0 / records as f64
    );
}

/// The review inbox: `changed` notes edited by another member (a few
/// words added, as after a day in the field) merged in one batch, as a
/// sync brings them; then the inbox's first page and opening records.
fn inbox(nb: &mut Notebook, changed: usize) {
    let other = Actor::new(
        MemberId::generate(&SystemIds, Timestamp::now()),
        *b"benchjen",
    );
    let ids: Vec<_> = nb
        .record_ids()
        .expect("ids")
        .into_iter()
        .filter(|(_, k)| *k == RecordKind::Note)
        .map(|(id, _)| id)
        .take(2 * changed)
        .collect();
    // The same work before the inbox starts and after: the difference is
    // what working out the news costs a sync.
    let (before, after) = ids.split_at(ids.len() / 2);
    let merge = |nb: &mut Notebook, ids: &[carnet_core::RecordId]| -> Duration {
        let changes: Vec<Vec<u8>> = ids
            .iter()
            .map(|&id| {
                let bytes = nb.changes_since(id, &[]).expect("bytes");
                let mut doc = RecordDoc::load(id, &bytes, []).expect("load");
                doc.edit::<_, CoreError>(&other, Timestamp::now(), &Codebook::any(), |r| {
                    if let Record::Note(n) = r {
                        n.body
                            .append_paragraph("Revu au local : les parents reviendront jeudi.");
                    }
                    Ok(())
                })
                .expect("edit")
                .1
            })
            .collect();
        let items: Vec<Incoming<'_>> = ids
            .iter()
            .zip(&changes)
            .map(|(&id, c)| Incoming {
                id,
                kind: Some(RecordKind::Note),
                changes: c,
                server_heads: None,
            })
            .collect();
        let t = Instant::now();
        let merged = nb.merge_many(&items).expect("merge");
        let took = t.elapsed();
        assert!(merged.iter().all(|m| m.is_ok()), "every record merges");
        took
    };
    let plain = merge(nb, before);
    nb.start_inbox().expect("inbox");
    // A notebook reused from an earlier run (`--in DIR`) may hold its
    // news (and the merge before may have made some): seen, they are not
    // listed.
    nb.mark_seen(None).expect("seen");
    let with_news = merge(nb, after);
    let changed = after.len();
    println!(
        "inbox: merge {changed} records another member changed: {} with the news worked out, {} before the inbox started",
        ms(with_news),
        ms(plain)
    );
    let ids = after;
    let mut pages = Vec::new();
    let mut total = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let page = nb.inbox(&InboxFilter::default(), 50, 0).expect("inbox");
        pages.push(t.elapsed());
        total = page.total;
    }
    assert_eq!(total as usize, changed, "every changed record is news");
    println!(
        "inbox: first page of 50 of {total}: p50 {}  max {}",
        ms(percentile(&mut pages, 0.5)),
        ms(*pages.iter().max().expect("runs"))
    );
    let mut opens = Vec::new();
    for &id in ids.iter().step_by((changed / 20).max(1)).take(20) {
        let t = Instant::now();
        let detail = nb.inbox_item(id).expect("opened");
        opens.push(t.elapsed());
        assert!(!detail.texts.is_empty(), "the added words are shown");
    }
    println!(
        "inbox: open a record with its changes: p50 {}  max {}",
        ms(percentile(&mut opens, 0.5)),
        ms(*opens.iter().max().expect("runs"))
    );
}

/// The passage view: the first page of the most used theme's passages,
/// the same filtered by method and a period of a year, and every theme's
/// use (what the codebook lists).
fn passages(nb: &Notebook) {
    let mut uses_t = Vec::new();
    let mut uses = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        uses = nb.theme_uses().expect("uses");
        uses_t.push(t.elapsed());
    }
    let top = uses
        .iter()
        .max_by_key(|u| u.passages)
        .expect("some theme is used")
        .clone();
    let page = Page {
        offset: 0,
        limit: 50,
    };
    let time = |filter: &PassageFilter| {
        let mut runs = Vec::new();
        let mut total = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let p = nb.passages(filter, page).expect("passages");
            runs.push(t.elapsed());
            total = p.total;
        }
        (runs, total)
    };
    let (mut all, total) = time(&PassageFilter {
        theme: Some(top.theme.clone()),
        ..PassageFilter::default()
    });
    assert_eq!(
        total, top.passages,
        "the view counts what the codebook counts"
    );
    let year = Timestamp::from_millis(Timestamp::now().as_millis() - 365 * 86_400_000);
    let (mut filtered, filtered_total) = time(&PassageFilter {
        theme: Some(top.theme.clone()),
        with_sub_themes: true,
        notes: NoteFilter {
            method: Some(Method::Workshop),
            from: Some(year),
            ..NoteFilter::default()
        },
        ..PassageFilter::default()
    });
    println!(
        "passages: first page of 50 of {total} ({}): p50 {}  max {}; by method and year ({filtered_total}): p50 {}  max {}",
        top.theme,
        ms(percentile(&mut all, 0.5)),
        ms(*all.iter().max().expect("runs")),
        ms(percentile(&mut filtered, 0.5)),
        ms(*filtered.iter().max().expect("runs")),
    );
    println!(
        "passages: every theme's notes and passages: p50 {}  max {}",
        ms(percentile(&mut uses_t, 0.5)),
        ms(*uses_t.iter().max().expect("runs"))
    );
}

/// The synthesis: every aggregate of the dashboard at once, without a
/// filter and with each kind of filter.
fn synthesis(nb: &Notebook) {
    let year = Timestamp::from_millis(Timestamp::now().as_millis() - 365 * 86_400_000);
    let member = nb.member();
    let filters = [
        ("no filter", NoteFilter::default()),
        (
            "a method",
            NoteFilter {
                method: Some(Method::Outreach),
                ..NoteFilter::default()
            },
        ),
        (
            "a year",
            NoteFilter {
                from: Some(year),
                ..NoteFilter::default()
            },
        ),
        (
            "a theme",
            NoteFilter {
                theme: Some("isolement".into()),
                ..NoteFilter::default()
            },
        ),
        (
            "an author and a sector",
            NoteFilter {
                author: Some(member),
                sector: Some("ouest".into()),
                ..NoteFilter::default()
            },
        ),
    ];
    for (name, filter) in filters {
        let mut runs = Vec::new();
        let mut notes = 0;
        for _ in 0..5 {
            let t = Instant::now();
            notes = nb.synthesis(&filter).expect("synthesis").notes;
            runs.push(t.elapsed());
        }
        println!(
            "synthesis, every aggregate, {name} ({notes} notes): p50 {}  max {}",
            ms(percentile(&mut runs, 0.5)),
            ms(*runs.iter().max().expect("runs"))
        );
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The whole team's PDF report, then its REFI-QDA project, each timed,
/// with the process's peak memory before and after the project.
fn exports(nb: &mut Notebook, dir: &Path) {
    let all = NoteFilter::default();
    let t = Instant::now();
    let report = carnet_client::report::report_pdf(
        nb,
        &all,
        carnet_core::Lang::Fr,
        None,
        &dir.join("bench.pdf"),
    )
    .expect("report");
    println!(
        "export: PDF report of the whole team ({} notes, {} pages): {:.2} s",
        report.notes,
        report.pages,
        t.elapsed().as_secs_f64()
    );
    let before = peak_rss_kib();
    let t = Instant::now();
    let project = carnet_client::qdpx::export_qdpx(
        nb,
        &all,
        carnet_core::Lang::Fr,
        &dir.join("bench.qdpx"),
        |_, _| true,
    )
    .expect("qdpx");
    let size = std::fs::metadata(dir.join("bench.qdpx")).map_or(0, |m| m.len());
    println!(
        "export: REFI-QDA project ({} notes, {} codings, {:.1} MiB): {:.1} s; peak resident {:.0} MiB (before: {:.0} MiB)",
        project.notes,
        project.codings,
        size as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64(),
        peak_rss_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
    let _ = std::fs::remove_file(dir.join("bench.pdf"));
    let _ = std::fs::remove_file(dir.join("bench.qdpx"));
}
