//! PostgreSQL stopped and started again under load (the test command's
//! throwaway cluster, through `CARNET_TEST_PG_CTL`): rounds fail with 503,
//! a sentence and a retry hint, `/v1/ready` says the database does not
//! answer, then rounds succeed again through the same instances, and
//! nothing a device was told was stored is lost. (Its own test binary:
//! nothing else uses the cluster while it is stopped.)

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use carnet_client::{ClientError, NoteInput};
use common::{rt, Device, TestServer};

fn pg_ctl(verb: &str) {
    let ctl = std::env::var("CARNET_TEST_PG_CTL")
        .expect("CARNET_TEST_PG_CTL: run the tests through scripts/test.sh");
    let out = std::process::Command::new(ctl)
        .arg(verb)
        .output()
        .expect("pg_ctl");
    assert!(
        out.status.success(),
        "pg_ctl {verb}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `/v1/ready`: its status and its Retry-After.
fn ready(server: &TestServer) -> (u16, Option<String>) {
    rt().block_on(async {
        let resp = reqwest::get(format!("{}/v1/ready", server.url))
            .await
            .expect("the instance answers");
        let retry = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (resp.status().as_u16(), retry)
    })
}

#[test]
fn postgresql_stopped_under_load_answers_503_with_a_sentence_then_syncs_again() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start_postgres(2);
    let (team, code) = server.create_team("Réseau Est", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut devices: Vec<Device> = (0..4u64)
        .map(|k| {
            let code = server.invite(&team, "worker", true);
            Device::join(&server, &code, &format!("Poste {k}"), 400 + k)
        })
        .collect();
    assert_eq!(ready(&server).0, 200);
    let running = AtomicBool::new(true);
    // Notes whose sync succeeded after they were written: acknowledged.
    let acknowledged = Mutex::new(BTreeSet::new());
    let refusals = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for (k, d) in devices.iter_mut().enumerate() {
            let (running, acknowledged, refusals) = (&running, &acknowledged, &refusals);
            s.spawn(move || {
                let mut written = Vec::new();
                let mut n = 0;
                while running.load(Ordering::SeqCst) {
                    let id =
                        d.nb.create_note(NoteInput {
                            title: format!("Note {k}-{n}"),
                            body: Some("Visite à domicile".into()),
                            ..NoteInput::default()
                        })
                        .expect("a note is written offline as ever");
                    written.push(id);
                    n += 1;
                    match d.sync() {
                        Ok(_) => acknowledged.lock().expect("lock").extend(written.drain(..)),
                        Err(e) => refusals.lock().expect("lock").push(e),
                    }
                    std::thread::sleep(std::time::Duration::from_millis(30));
                }
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        pg_ctl("stop");
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let (status, retry) = ready(&server);
        assert_eq!(status, 503, "not ready while the database is away");
        assert!(retry.is_some(), "with a retry hint");
        pg_ctl("start");
        std::thread::sleep(std::time::Duration::from_millis(1500));
        running.store(false, Ordering::SeqCst);
    });
    assert_eq!(ready(&server).0, 200, "ready again");
    // While it was away: 503 and a sentence, never an internal error.
    let refusals = refusals.into_inner().expect("lock");
    assert!(
        refusals
            .iter()
            .any(|e| matches!(e, ClientError::Server { status: 503, .. })),
        "some rounds met the stopped database: {refusals:?}"
    );
    for e in &refusals {
        match e {
            ClientError::Server {
                status: 503,
                message,
                ..
            } => assert!(message.contains("database"), "{message}"),
            ClientError::Offline { .. } => {}
            other => panic!("a round failed otherwise: {other:?}"),
        }
    }
    // Every device syncs again; what was acknowledged is on the server,
    // and so is everything written since.
    for d in devices.iter_mut().chain(std::iter::once(&mut aline)) {
        d.sync().expect("syncs again");
    }
    for d in devices.iter_mut().chain(std::iter::once(&mut aline)) {
        d.sync().expect("syncs again");
    }
    let on_server: BTreeSet<String> = server
        .query(
            "SELECT id FROM records WHERE team = $1",
            &[team.as_str().into()],
        )
        .iter()
        .map(|r| r.text(0).expect("id"))
        .collect();
    let acknowledged = acknowledged.into_inner().expect("lock");
    assert!(!acknowledged.is_empty());
    for id in &acknowledged {
        assert!(
            on_server.contains(&id.to_string()),
            "{id} was acknowledged and kept"
        );
    }
    let held: BTreeSet<String> = aline
        .nb
        .record_ids()
        .expect("ids")
        .into_iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(held, on_server, "Aline holds every record the server holds");
}
