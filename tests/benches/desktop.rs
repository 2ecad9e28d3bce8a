//! The desktop app with a large notebook: start to the journal shown,
//! scrolling the journal, typing latency in a long note body, memory.
//! Drives the real app (release build) under Xvfb like the end-to-end
//! tests.
//!
//! `cargo bench -p carnet-tests --bench desktop` uses 100,000 records
//! (`CARNET_BENCH_RECORDS=N` for another size). Under `cargo test` (no
//! `--bench` argument) it runs a small smoke mode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/desktop/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use carnet_client::{Environment, NoteInput, Notebook};
use carnet_core::vocab::Method;
use harness::{one_at_a_time, runtime, App};
use serde_json::json;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (n = {})",
        percentile(&v, 0.5),
        percentile(&v, 0.95),
        v.last().copied().unwrap_or(f64::NAN),
        v.len()
    )
}

/// A notebook with `n` demo records and, newest of all, a note with a long body.
fn prepare(dir: &std::path::Path, n: usize) -> usize {
    let mut nb = Notebook::create(
        dir,
        "Équipe de démonstration",
        "Aline",
        Environment::default(),
    )
    .expect("notebook");
    nb.fill_demo(n, 11, |_| {}).expect("demo");
    let paragraph =
        "Au local de résidence, une aînée raconte que l'épicerie solidaire a déménagé; \
        elle n'ose plus prendre l'autobus le soir. A neighbour adds that the clinic's hours \
        don't fit a night-shift schedule. ";
    let body: String = paragraph.repeat(20_000 / paragraph.len() + 1);
    nb.create_note(NoteInput {
        method: Some(Method::Residence),
        title: "Journal de résidence (long)".into(),
        body: Some(body.clone()),
        ..NoteInput::default()
    })
    .expect("long note");
    body.chars().count()
}

/// Scroll the journal to `steps` positions and time until every row in
/// view shows a note (pages are fetched from the projection on demand).
const SCROLL: &str = r#"
const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
const list = document.querySelector('.list');
const times = [];
let seed = 7;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
(async () => {
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    list.scrollTop = Math.floor(rand() * (list.scrollHeight - list.clientHeight));
    list.dispatchEvent(new Event('scroll'));
    for (;;) {
      await frame();
      if (!list.querySelector('.placeholder')) break;
      if (performance.now() - t0 > 5000) break;
    }
    times.push(performance.now() - t0);
  }
  done(times);
})();
"#;

/// Type `count` characters at the end of the note body, one per event as
/// a keyboard would, and time each from the input to the next frame.
const TYPE: &str = r#"
const [count, done] = [arguments[0], arguments[arguments.length - 1]];
const area = document.querySelector('#note-body');
area.focus();
area.setSelectionRange(area.value.length, area.value.length);
const times = [];
const idle = [];
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
(async () => {
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await frame();
    idle.push(performance.now() - t0);
  }
  const raw = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    area.setRangeText('x', area.value.length, area.value.length, 'end');
    await frame();
    raw.push(performance.now() - t0);
    await new Promise(r => setTimeout(r, 30));
  }
  window.__raw = raw;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const ch = 'abcdefghijklmnopqrstuvwxyzéàè '[i % 30];
    area.setRangeText(ch, area.value.length, area.value.length, 'end');
    area.dispatchEvent(new InputEvent('input', { bubbles: true, data: ch, inputType: 'insertText' }));
    await frame();
    times.push(performance.now() - t0);
    await new Promise(r => setTimeout(r, 30));
  }
  done([times, idle]);
})();
"#;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let records: usize = std::env::var("CARNET_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100_000 } else { 300 });
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().expect("dir");
    let t = Instant::now();
    let body_chars = prepare(dir.path(), records);
    println!(
        "desktop bench{}: {records} records prepared in {:.1} s; long note body {body_chars} characters",
        if full { "" } else { " (smoke mode)" },
        t.elapsed().as_secs_f64()
    );

    runtime().block_on(async {
        let (steps, keys) = if full { (60, 200) } else { (5, 20) };
        // CARNET_BENCH_WEBKIT="NAME=VALUE;NAME=VALUE" passes variables to WebKit (to compare settings).
        let extra: Vec<(&str, String)> = std::env::var("CARNET_BENCH_WEBKIT")
            .unwrap_or_default()
            .split(';')
            .filter_map(|v| v.split_once('='))
            .map(|(k, val)| (k.to_string().leak() as &str, val.to_string()))
            .collect();
        let app = App::launch("bench_desktop", dir.path(), &extra)
            .await
            .expect("app");
        let outcome = async {
            let shown = app.wait_text("#journal-count", " notes").await?;
            let start = app.asked_at.elapsed();
            app.wait_for(".note-row").await?;
            let first_row = app.asked_at.elapsed();
            // The page marks when the journal first shows its notes.
            let marks = app
                .client
                .execute(
                    "const m = performance.getEntriesByName('carnet:journal-shown')[0]; \
                     return m ? [performance.timeOrigin, performance.timeOrigin + m.startTime] : null;",
                    vec![],
                )
                .await?;
            let marks: Option<(f64, f64)> = serde_json::from_value(marks)?;
            let app_start = app.started_at_ms("test-carnet");
            let web_start = app.started_at_ms("WebKitWebProces");
            match (marks, app_start, web_start) {
                (Some((page, shown)), Some(app_start), Some(web_start)) => println!(
                    "start to journal shown: {:.0} ms from the app's process start to the journal's notes on screen: \
                     {:.0} ms until WebKit's page process starts, {:.0} ms until the page loads, {:.0} ms until its notes show",
                    shown - app_start,
                    web_start - app_start,
                    page - web_start,
                    shown - page
                ),
                _ => println!("start to journal shown: (not marked)"),
            }
            println!(
                "(as WebDriver saw it: count \"{shown}\" {:.0} ms, first rows {:.0} ms after the session was asked for)",
                start.as_secs_f64() * 1e3,
                first_row.as_secs_f64() * 1e3
            );
            let memory = app.memory_kib();
            let scroll = app.client.execute_async(SCROLL, vec![json!(steps)]).await?;
            let scroll: Vec<f64> = serde_json::from_value(scroll)?;
            println!(
                "scroll the journal to a random place, rows shown: {}",
                summary(scroll)
            );

            // Back to the top, where the long note is the newest.
            app.client
                .execute("const l = document.querySelector('.list'); l.scrollTop = 0; l.dispatchEvent(new Event('scroll'));", vec![])
                .await?;
            app.wait_text(".note-row", "Journal de résidence (long)").await?;
            let scrolled = app.memory_kib();
            app.click(".note-row").await?;
            app.wait_text("#note-body", "Au local de résidence").await?;
            let typed = app.client.execute_async(TYPE, vec![json!(keys)]).await?;
            let (typed, idle): (Vec<f64>, Vec<f64>) = serde_json::from_value(typed)?;
            println!(
                "typing at the end of the long body, input to next frame: {}",
                summary(typed)
            );
            println!("(an idle frame, for comparison: {})", summary(idle));
            let raw = app.client.execute("return window.__raw", vec![]).await?;
            let raw: Vec<f64> = serde_json::from_value(raw)?;
            println!("(the text area alone, no app code: {})", summary(raw));
            let saved_from = Instant::now();
            app.wait_text("#save-status", "Enregistré").await?;
            println!(
                "last keystroke to \"saved\" (400 ms pause + save): {:.0} ms",
                saved_from.elapsed().as_secs_f64() * 1e3 + 30.0
            );
            let after = app.memory_kib();
            // Unused memory is given back lazily: sample again after a pause.
            tokio::time::sleep(Duration::from_secs(if full { 15 } else { 1 })).await;
            let idle = app.memory_kib();
            for (label, m) in [
                ("after start", memory),
                ("after scrolling", scrolled),
                ("after typing", after),
                ("after a pause", idle),
            ] {
                let mib = |k: u64| k as f64 / 1024.0;
                let rss: u64 = m.iter().map(|p| p.resident).sum();
                let pss: u64 = m.iter().map(|p| p.proportional).sum();
                let anon: u64 = m.iter().map(|p| p.anonymous).sum();
                let parts: Vec<String> = m
                    .iter()
                    .map(|p| {
                        format!(
                            "{} {:.0}/{:.0}/{:.0}",
                            p.name,
                            mib(p.resident),
                            mib(p.proportional),
                            mib(p.anonymous)
                        )
                    })
                    .collect();
                println!(
                    "memory {label}: proportional {:.0} MiB, resident {:.0} MiB, of which data (not files) {:.0} MiB \
                     (resident/proportional/data MiB: {})",
                    mib(pss),
                    mib(rss),
                    mib(anon),
                    parts.join(", ")
                );
            }
            anyhow::ensure!(start < Duration::from_secs(120), "the app started");
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}
