//! Crash safety: `carnet import` reads notes from a slow stream and prints
//! each id once it is durable. The process is killed with SIGKILL at
//! random moments, 50 times. After each kill the notebook must open
//! cleanly, pass SQLite's integrity check, and hold every note whose id
//! was printed, intact.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use carnet_client::Notebook;
use carnet_core::record::Record;
use rand::{Rng, SeedableRng};

const KILLS: usize = 50;

fn line(run: usize, n: usize) -> (String, String, String) {
    let title = format!("Import {run}-{n} à l'épicerie");
    let body = format!(
        "Note {n} de la passe {run}: café, aînée, Jérôme. {}",
        "x".repeat(n % 300)
    );
    let json = serde_json::json!({ "method": "outreach", "title": title, "body": body, "themes": ["alimentation"] });
    (title, body, json.to_string())
}

#[test]
fn every_printed_id_survives_sigkill() {
    let dir = tempfile::tempdir().expect("dir");
    Notebook::create(dir.path(), "Équipe", "Aline", common::env(1)).expect("create");
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xC0FFEE);
    let mut expected: Vec<(carnet_core::RecordId, String, String)> = Vec::new();

    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .args(["--data-dir"])
            .arg(dir.path())
            .args(["import", "--format", "jsonl", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn carnet");
        let mut stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let printed = Arc::new(Mutex::new(Vec::<String>::new()));
        let reader = {
            let printed = Arc::clone(&printed);
            std::thread::spawn(move || {
                for l in BufReader::new(stdout).lines() {
                    match l {
                        Ok(l) => printed.lock().expect("lock").push(l),
                        Err(_) => break,
                    }
                }
            })
        };
        let lines: Vec<_> = (0..400).map(|n| line(run, n)).collect();
        let writer = {
            let payload: Vec<String> = lines.iter().map(|l| l.2.clone()).collect();
            let pause = rng.gen_range(0..3u64);
            std::thread::spawn(move || {
                for l in payload {
                    if writeln!(stdin, "{l}").and_then(|_| stdin.flush()).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(pause));
                }
            })
        };
        std::thread::sleep(Duration::from_millis(rng.gen_range(1..120)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        reader.join().expect("reader");
        writer.join().expect("writer");

        // Only whole lines count: a line cut by the kill is not a printed id.
        let printed = printed.lock().expect("lock").clone();
        for (i, id) in printed.iter().enumerate() {
            let Ok(id) = id.parse() else { continue };
            expected.push((id, lines[i].0.clone(), lines[i].1.clone()));
        }

        let mut nb = Notebook::open(dir.path(), common::env(run as u64 + 2))
            .unwrap_or_else(|e| panic!("after kill {run} the notebook must open: {e}"));
        for (id, title, body) in &expected {
            match nb.record(*id) {
                Ok(Record::Note(n)) => {
                    assert_eq!(&n.title, title, "after kill {run}, note {id} is intact");
                    assert_eq!(
                        n.body.as_str(),
                        body,
                        "after kill {run}, note {id} is intact"
                    );
                }
                other => {
                    panic!("after kill {run}, printed note {id} is missing or damaged: {other:?}")
                }
            }
        }
        drop(nb);
    }
    let conn = common::raw_db(dir.path());
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok", "SQLite finds the file sound");
    let mut nb = Notebook::open(dir.path(), common::env(999)).expect("open");
    assert!(
        nb.check().expect("check").is_empty(),
        "every record decodes"
    );
    assert!(
        expected.len() > KILLS,
        "the kills happened while notes were being written ({} printed)",
        expected.len()
    );
}
