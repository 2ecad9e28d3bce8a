//! Faults: the server killed with SIGKILL in the middle of a sync and
//! restarted; a client killed in the middle of a sync; the same request
//! sent twice. Everyone converges, nothing is lost, nothing is duplicated.

mod common;

use carnet_core::ErrorKind;
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_client::sync::engine::server_client;
use carnet_core::sync::client::{apply_response, build_request};
use common::{carnet_bin, rt, Device, TestServer};

fn server_integrity(server: &TestServer) {
    // SQLite's file is checked page by page; PostgreSQL checks its own
    // (what it stores is checked below, record by record).
    if server.on_sqlite() {
        let check = server.query("PRAGMA integrity_check", &[]);
        assert_eq!(
            check[0].text(0).expect("text"),
            "ok",
            "the server's database is sound"
        );
    }
}

fn sync_until_ok(d: &mut Device) {
    for _ in 0..50 {
        if d.sync().is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the device never managed to sync");
}

#[test]
fn server_killed_mid_sync_and_restarted() {
    let mut server = TestServer::start();
    let (_, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    aline.nb.fill_demo(1500, 4, |_| {}).expect("demo");
    // Syncs the kill interrupted: the sync had started and had not
    // finished when the server died (it then fails as offline).
    let mut interrupted = 0;
    for delay in [30u64, 120, 400] {
        let handle = std::thread::spawn(move || {
            let result = aline.sync();
            (aline, result)
        });
        std::thread::sleep(Duration::from_millis(delay));
        server.kill();
        let (back, result) = handle.join().expect("thread");
        aline = back;
        if let Err(e) = result {
            assert_eq!(
                e.kind(),
                ErrorKind::Offline,
                "a killed server reads as offline: {e}"
            );
            interrupted += 1;
        }
        server.restart();
    }
    assert!(
        interrupted > 0,
        "at least one kill must land while a sync is running, or this test proves nothing"
    );
    sync_until_ok(&mut aline);
    server_integrity(&server);
    let mut nadia = Device::join(&server, &server.invite_any(), "Nadia", 2);
    sync_until_ok(&mut nadia);
    aline.sync().expect("sync");
    let (a, n) = (aline.state(), nadia.state());
    assert_eq!(a.len(), 1501, "Aline's demo records and the workspace");
    for (id, heads) in &a {
        assert_eq!(
            n.get(id),
            Some(heads),
            "Nadia holds record {id} exactly as Aline does"
        );
    }
    let stored = server.count("SELECT COUNT(*) FROM records", &[]);
    assert_eq!(stored as usize, a.len(), "nothing duplicated on the server");
}

#[test]
fn client_killed_mid_sync_converges_on_the_next_sync() {
    let server = TestServer::start();
    let (_, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite_any(), "Jean", 2);
    aline.nb.fill_demo(1500, 5, |_| {}).expect("demo");
    aline.sync().expect("sync");
    let dir = jean.dir.path().to_path_buf();
    drop(jean.nb);
    // Kills that landed while `carnet sync` was still running.
    let mut interrupted = 0;
    for delay in [20u64, 60, 100, 150, 250, 400, 600, 800, 1000, 1500] {
        let mut child = Command::new(carnet_bin())
            .arg("--data-dir")
            .arg(&dir)
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("carnet sync");
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().expect("wait").is_none() {
            interrupted += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let nb = carnet_client::Notebook::open(&dir, common::env(50 + delay))
            .expect("the notebook opens after the kill");
        nb.check_quick().expect("the file is sound after the kill");
    }
    assert!(
        interrupted > 0,
        "at least one kill must land while `carnet sync` runs, or this test proves nothing"
    );
    jean.nb = carnet_client::Notebook::open(&dir, common::env(77)).expect("open");
    sync_until_ok(&mut jean);
    assert!(
        jean.nb.check().expect("check").is_empty(),
        "every record decodes"
    );
    let (a, j) = (aline.state(), jean.state());
    assert_eq!(
        a, j,
        "Jean holds exactly Aline's records after the interrupted syncs"
    );
    let dump = jean.nb.projection_dump().expect("dump");
    jean.nb.rebuild_projection().expect("rebuild");
    assert_eq!(
        jean.nb.projection_dump().expect("dump"),
        dump,
        "the projection was kept in step through the kills"
    );
}

#[test]
fn the_same_request_twice_duplicates_nothing() {
    let server = TestServer::start();
    let (_, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut nadia = Device::join(&server, &server.invite_any(), "Nadia", 2);
    aline.nb.fill_demo(50, 6, |_| {}).expect("demo");
    let client = server_client(&aline.nb).expect("client");
    let req = build_request(&mut aline.nb).expect("request");
    assert_eq!(req.push.len(), 50);
    let (first, _, _) = rt().block_on(client.sync(&req)).expect("first");
    let (second, _, _) = rt()
        .block_on(client.sync(&req))
        .expect("second, as a retry after a lost answer");
    assert!(first.rejected.is_empty() && second.rejected.is_empty());
    apply_response(&mut aline.nb, &req, &second).expect("apply");
    aline.sync().expect("sync");
    nadia.sync().expect("sync");
    let (records, chunks) = (
        server.count("SELECT COUNT(*) FROM records", &[]),
        server.count("SELECT COUNT(*) FROM chunks", &[]),
    );
    assert_eq!(records, 51, "50 notes and the workspace, once each");
    assert_eq!(
        chunks, 1,
        "only the workspace's join change; the repeated pushes added nothing"
    );
    assert_eq!(aline.state(), nadia.state());
    assert_eq!(
        carnet_client::sync::status(&aline.nb)
            .expect("status")
            .waiting,
        0
    );
}

/// Copy every file of a data directory (the database, its log, the key).
#[test]
fn a_server_restored_from_a_backup_gets_back_what_devices_sent_since() {
    use carnet_client::NoteInput;
    let mut server = TestServer::start();
    let (team, code) = server.create_team("Pôle", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 101);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 102);
    let note = |title: &str| NoteInput {
        title: title.into(),
        body: Some("Avant la sauvegarde".into()),
        ..NoteInput::default()
    };
    let first = aline.nb.create_note(note("Première")).expect("note");
    aline.sync().expect("sync");
    jean.sync().expect("sync");

    // The backup, taken with the server stopped.
    server.kill();
    let backup = server.backup();
    server.restart();

    // After it: a new note, an edit, Jean's note; all acknowledged.
    let later = aline.nb.create_note(note("Après")).expect("note");
    aline
        .nb
        .set_body(first, "Avant la sauvegarde, puis corrigée")
        .expect("edit");
    aline.sync().expect("sync");
    let jeans = jean.nb.create_note(note("Celle de Jean")).expect("note");
    jean.sync().expect("sync");
    aline.sync().expect("sync");

    // The server is restored: it lost all of that.
    server.kill();
    server.restore(&backup);
    server.restart();
    aline.sync().expect("sync after the restore");
    jean.sync().expect("sync after the restore");
    aline.sync().expect("sync");

    // A device joining now gets everything, as the devices hold it.
    let mut omar = Device::join(&server, &server.invite(&team, "worker", false), "Omar", 103);
    // (Omar's joining names him in the workspace: the others learn it.)
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    let (a, o) = (aline.state(), omar.state());
    for id in [first, later, jeans] {
        assert!(
            o.contains_key(&id.to_string()),
            "{id} is back on the server"
        );
    }
    assert_eq!(
        a, o,
        "the newcomer holds what Aline holds, change for change"
    );
    assert_eq!(jean.state(), a, "and so does Jean");
}
