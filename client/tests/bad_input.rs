//! Bad input: foreign and damaged database files, undecodable chunks,
//! malformed import lines. Each gets a clear error; nothing already saved
//! is lost; nothing panics.

mod common;

use carnet_core::ErrorKind;
use std::io::Write;
use std::process::{Command, Stdio};

use carnet_client::transfer::{import_notes, ImportEvent, ImportFormat};
use carnet_client::{ClientError, NoteFilter, Notebook, Page};
use carnet_core::vocab::Method;

fn open_err(dir: &std::path::Path) -> ClientError {
    Notebook::open(dir, common::env(1)).expect_err("must not open")
}

#[test]
fn a_foreign_sqlite_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("notebook.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch(
            "CREATE TABLE invoices (id INTEGER, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
        )
        .expect("foreign db");
    }
    let before = std::fs::read(&path).expect("read");
    let err = open_err(dir.path());
    assert_eq!(err.kind(), ErrorKind::NotANotebook);
    assert!(err.to_string().contains("made by another program"), "{err}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "the foreign file is unchanged"
    );
}

#[test]
fn text_and_empty_files_are_not_notebooks() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("notebook.db");
    std::fs::write(&path, "id,title\n1,not a database\n").expect("write");
    let err = open_err(dir.path());
    assert!(err.to_string().contains("not a SQLite database"), "{err}");
    std::fs::write(&path, "").expect("write");
    assert!(open_err(dir.path()).to_string().contains("empty"));
    let missing = tempfile::tempdir().expect("dir");
    assert_eq!(open_err(missing.path()).kind(), ErrorKind::NoNotebook);
}

#[test]
fn a_truncated_database_reports_damage_without_panicking() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let mut nb =
            Notebook::create(dir.path(), "Équipe", "Aline", common::env(2)).expect("create");
        nb.fill_demo(400, 3, |_| {}).expect("demo");
    }
    let path = dir.path().join("notebook.db");
    let len = std::fs::metadata(&path).expect("meta").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(len / 3).expect("truncate");
    drop(file);
    // Opening may already fail; if it succeeds, reading the lost pages must.
    let outcome = Notebook::open(dir.path(), common::env(3)).and_then(|mut nb| {
        nb.list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 500,
            },
        )?;
        nb.search("café", 50)?;
        nb.check().map(|_| ())?;
        nb.rebuild_projection().map(|_| ())
    });
    let err = outcome.expect_err("a third of the file is gone");
    assert_eq!(err.kind(), ErrorKind::Corrupt, "reported as damage: {err}");
    assert!(
        err.to_string().contains("restore it from a backup"),
        "{err}"
    );
}

#[test]
fn an_undecodable_chunk_flags_that_record_and_the_others_still_open() {
    let dir = tempfile::tempdir().expect("dir");
    let (bad, good) = {
        let mut nb =
            Notebook::create(dir.path(), "Équipe", "Aline", common::env(4)).expect("create");
        let bad = nb
            .create_note(common::note(Method::Outreach, "Abîmée", "Début"))
            .expect("note");
        let good = nb
            .create_note(common::note(Method::Outreach, "Intacte", "Début"))
            .expect("note");
        for i in 0..3 {
            nb.append_to_body(bad, &format!("ajout {i}")).expect("edit");
            nb.append_to_body(good, &format!("ajout {i}"))
                .expect("edit");
        }
        (bad, good)
    };
    {
        let conn = common::raw_db(dir.path());
        let rowid: i64 = conn
            .query_row(
                "SELECT rowid FROM records WHERE id = ?1",
                [bad.to_string()],
                |r| r.get(0),
            )
            .expect("row");
        // Cut one chunk in half, as a torn write would.
        conn.execute(
            "UPDATE chunks SET bytes = substr(bytes, 1, length(bytes) / 2) WHERE record_rowid = ?1 AND seq = 1",
            [rowid],
        )
        .expect("damage");
    }
    let mut nb = Notebook::open(dir.path(), common::env(5)).expect("the notebook still opens");
    let err = nb.get(bad).expect_err("the damaged record cannot be read");
    assert_eq!(err.kind(), ErrorKind::Damaged);
    assert!(
        err.to_string().contains("the other records are fine"),
        "{err}"
    );
    let view = nb.get(good).expect("the other record opens");
    assert_eq!(view.record.display_name(), "Intacte");
    assert_eq!(
        nb.counts().expect("counts").damaged,
        1,
        "the damaged record is flagged"
    );
    let listed = nb
        .list_notes(&NoteFilter::default(), Page::default())
        .expect("list");
    assert_eq!(
        listed.total, 2,
        "the journal still lists both from the projection"
    );
    let damaged = nb.check().expect("check");
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].0, bad);
    nb.append_to_body(good, "toujours modifiable")
        .expect("the good record is still editable");
}

#[test]
fn malformed_import_lines_are_reported_by_number_and_good_lines_kept() {
    let (_dir, mut nb) = common::notebook(6);
    let input = [
        r#"{"method":"outreach","title":"Bonne ligne","body":"à l'épicerie"}"#,
        r#"{"method":"outreach","title": "#,
        r#"{"method":"telepathy","title":"Méthode inconnue"}"#,
        r#"{"method":"outreach","title":"   "}"#,
        "",
        r#"{"method":"group","title":"Champ inconnu","colour":"blue"}"#,
        r#"{"method":"outreach","title":"Thème inconnu","themes":["sport"]}"#,
        r#"{"method":"workshop","title":"Autre bonne ligne","occurred_at":"2026-11-02T10:00:00-05:00"}"#,
    ]
    .join("\n");
    let mut events = Vec::new();
    let summary = import_notes(&mut nb, ImportFormat::Jsonl, input.as_bytes(), |e| {
        events.push(match e {
            ImportEvent::Imported { line, .. } => (line, "ok".to_string()),
            ImportEvent::Rejected { line, reason } => (line, reason),
        });
        Ok(())
    })
    .expect("import runs to the end");
    assert_eq!((summary.imported, summary.rejected), (2, 5));
    let lines: Vec<usize> = events.iter().filter(|e| e.1 != "ok").map(|e| e.0).collect();
    assert_eq!(
        lines,
        vec![2, 3, 4, 6, 7],
        "bad lines are named by number: {events:?}"
    );
    assert!(events[2].1.contains("telepathy"), "{}", events[2].1);
    assert!(events[3].1.contains("title is required"), "{}", events[3].1);
    assert!(
        events[5].1.contains("unknown theme 'sport'"),
        "{}",
        events[5].1
    );
    assert_eq!(
        nb.list_notes(&NoteFilter::default(), Page::default())
            .expect("list")
            .total,
        2
    );
}

#[test]
fn csv_import_through_the_command_line_reports_lines_and_keeps_good_rows() {
    let dir = tempfile::tempdir().expect("dir");
    let carnet = env!("CARGO_BIN_EXE_carnet");
    let status = Command::new(carnet)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["init", "--team", "Équipe", "--member", "Aline"])
        .stdout(Stdio::null())
        .status()
        .expect("init");
    assert!(status.success());
    let csv = "method,title,body,themes\noutreach,Au parc,Rencontre avec Jérôme,logement;isolement\nnope,Mauvaise méthode,,\nshadowing,Journée,\"Attente, longue\",\n";
    let mut child = Command::new(carnet)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", "--format", "csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(csv.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a refused line makes the exit status non-zero"
    );
    assert_eq!(stdout.lines().count(), 2, "two ids printed: {stdout}");
    assert!(
        stderr.contains("line 3:") && stderr.contains("'nope' is not a known method"),
        "{stderr}"
    );

    let search = Command::new(carnet)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["search", "jerome", "--json"])
        .output()
        .expect("search");
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).expect("json");
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
}

#[test]
fn command_line_errors_are_sentences_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().expect("dir");
    let carnet = env!("CARGO_BIN_EXE_carnet");
    let run = |args: &[&str]| {
        Command::new(carnet)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&["note", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("carnet init --team NAME --member NAME"));
    assert!(run(&["init", "--team", "É", "--member", "A"])
        .status
        .success());
    let out = run(&["show", "pas-un-id"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid record id"));
    let out = run(&[
        "referral",
        "status",
        "0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7d",
        "accepted",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no referral with id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "note",
        "add",
        "--method",
        "outreach",
        "--title",
        "x",
        "--occurred-at",
        "hier",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}
