//! Backups of a notebook while another process writes to it (the command
//! line importing notes while the app runs): each backup restores into a
//! sound notebook holding a consistent moment of the writes, none of its
//! bytes in clear.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_client::{backup, Notebook, Unlock};

#[test]
fn backups_taken_while_another_process_writes_restore_whole() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let mut nb = Notebook::create(dir.path(), "Équipe", "Aline", common::env(1)).expect("nb");
        nb.fill_demo(600, 2, |_| {}).expect("demo");
    }
    let notes = |nb: &Notebook| nb.counts().expect("counts").notes;
    let before = notes(&Notebook::open(dir.path(), common::env(2)).expect("open"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn carnet");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        for n in 0..400 {
            let json = serde_json::json!({
                "method": "outreach",
                "title": format!("Importée {n}"),
                "body": format!("Note {n}, écrite pendant la sauvegarde: Quetzalcoatlimport."),
            });
            if writeln!(stdin, "{json}").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(3));
        }
    });

    let out = tempfile::tempdir().expect("dir");
    let mut nb = Notebook::open(dir.path(), common::env(3)).expect("open");
    let mut counts = Vec::new();
    for i in 0..3 {
        let file = out.path().join(format!("{i}.carnetbk"));
        nb.backup(&file, None, |_| {})
            .expect("backup while writing");
        let bytes = std::fs::read(&file).expect("read");
        assert!(
            !bytes.windows(15).any(|w| w == b"Quetzalcoatlimp"),
            "no word of a note in clear in the backup"
        );
        let target = out.path().join(format!("restored-{i}"));
        backup::restore(&file, &target, &Unlock::SecretStore, &Unlock::SecretStore)
            .expect("restore");
        let mut restored = Notebook::open(&target, common::env(10 + i)).expect("opens");
        assert!(
            restored.check().expect("check").is_empty(),
            "every record opens"
        );
        counts.push(notes(&restored));
        std::thread::sleep(Duration::from_millis(150));
    }
    writer.join().expect("writer");
    let _ = child.wait();
    let after = notes(&Notebook::open(dir.path(), common::env(4)).expect("open"));
    eprintln!("notes before {before}, in the backups {counts:?}, after {after}");
    assert!(after > before, "the other process wrote meanwhile");
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]) && counts[0] >= before && counts[2] <= after,
        "each backup holds a moment of the writes: before {before}, backups {counts:?}, after {after}"
    );
}
