//! The server over TLS, teams kept apart, and the background sync loop.

mod common;

use carnet_core::ErrorKind;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use carnet_client::sync::background::{SyncLoop, SyncState};
use carnet_client::sync::{self, JoinOptions};
use carnet_client::NoteInput;
use carnet_core::sync::protocol::{decode, encode, PushRecord, SyncRequest, PROTOCOL_VERSION};
use carnet_core::sync::SyncResponse;
use carnet_core::vocab::Method;
use carnet_core::RecordKind;
use common::{rt, Device, TestServer};

fn note(title: &str) -> NoteInput {
    NoteInput {
        method: Some(Method::Outreach),
        title: title.into(),
        body: Some("texte".into()),
        ..Default::default()
    }
}

fn try_join(url: &str, code: &str, ca_pem: Option<&[u8]>) -> carnet_client::Result<()> {
    let dir = tempfile::tempdir().expect("dir");
    rt().block_on(sync::join(
        dir.path(),
        JoinOptions {
            server: url,
            code,
            device_name: "portable",
            member_name: "Aline",
            ca_pem,
        },
        common::env(3),
        |_| {},
    ))
    .map(|_| ())
}

#[test]
fn a_self_signed_ca_certificate_is_trusted_when_given_and_tls_failures_are_said() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    // Made as `openssl req -x509` makes it: self-signed and CA:TRUE.
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("certificate");
    let server = TestServer::start_tls(&cert.pem(), &key.serialize_pem(), &[]);
    let url = server.url.clone();
    let (_, code) = server.create_team("Équipe", "Aline");
    try_join(&url, &code, Some(cert.pem().as_bytes()))
        .expect("the certificate given is trusted as the server's own");

    // A certificate signed by a trusted authority, but for another host.
    let ca_key = KeyPair::generate().expect("key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = CertificateParams::new(vec!["carnet.example.org".to_string()])
        .expect("params")
        .signed_by(&leaf_key, &issuer)
        .expect("leaf");
    let other = TestServer::start_tls(&leaf.pem(), &leaf_key.serialize_pem(), &[]);
    let other_url = other.url.clone();
    let (_, code) = other.create_team("Équipe", "Aline");
    let err = try_join(&other_url, &code, Some(ca.pem().as_bytes())).expect_err("wrong host");
    assert_eq!(err.kind(), ErrorKind::CertificateRefused, "{err}");
    assert!(err.to_string().contains("is not for"), "{err}");

    // A file that is not a certificate.
    let err = try_join(&url, &code, Some(b"-----BEGIN NONSENSE-----")).expect_err("unreadable");
    assert_eq!(err.kind(), ErrorKind::CertificateRefused, "{err}");
    assert!(err.to_string().contains("BEGIN CERTIFICATE"), "{err}");
}

#[test]
fn a_device_joins_and_syncs_over_tls() {
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let server = TestServer::start_tls(&cert.cert.pem(), &cert.signing_key.serialize_pem(), &[]);
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let url = server.url.clone();
    let (_, code) = server.create_team("Équipe", "Aline");

    let untrusted = tempfile::tempdir().expect("dir");
    let err = rt()
        .block_on(sync::join(
            untrusted.path(),
            JoinOptions {
                server: &url,
                code: &code,
                device_name: "x",
                member_name: "x",
                ca_pem: None,
            },
            common::env(1),
            |_| {},
        ))
        .expect_err("an unknown certificate is not trusted");
    assert_eq!(err.kind(), ErrorKind::CertificateRefused, "{err}");
    assert!(
        err.to_string().contains("not signed by an authority"),
        "{err}"
    );

    let joined = tempfile::tempdir().expect("dir");
    let pem = cert.cert.pem();
    let (mut nb, _) = rt()
        .block_on(sync::join(
            joined.path(),
            JoinOptions {
                server: &url,
                code: &code,
                device_name: "portable",
                member_name: "",
                ca_pem: Some(pem.as_bytes()),
            },
            common::env(2),
            |_| {},
        ))
        .expect("joins over TLS with the server's certificate trusted");
    nb.create_note(note("Chiffré en transit")).expect("note");
    let client = sync::engine::server_client(&nb).expect("client");
    let summary = rt()
        .block_on(sync::sync_until_quiet(&mut nb, &client, |_| {}))
        .expect("sync over TLS");
    assert_eq!(summary.sent, 1);
}

#[test]
fn knowing_another_teams_record_id_gives_nothing() {
    let server = TestServer::start();
    let (_, code_a) = server.create_team("Équipe A", "Aline");
    let (_, code_b) = server.create_team("Équipe B", "Bruno");
    let mut aline = Device::join(&server, &code_a, "Aline", 1);
    let mut bruno = Device::join(&server, &code_b, "Bruno", 2);
    let secret = aline
        .nb
        .create_note(note("Note de l'équipe A"))
        .expect("note");
    aline.sync().expect("sync");

    let token = bruno.nb.membership().expect("meta").expect("joined").token;
    let ask = |push: Vec<PushRecord>| -> SyncResponse {
        let body = encode(&SyncRequest {
            protocol: PROTOCOL_VERSION,
            cursor: 0,
            last_answer: 0,
            push,
            want_full: vec![secret],
        });
        rt().block_on(async {
            let resp = reqwest::Client::new()
                .post(format!("{}/v1/sync", server.url))
                .bearer_auth(&token)
                .header("content-type", "application/cbor")
                .body(body)
                .send()
                .await
                .expect("send");
            decode(&resp.bytes().await.expect("body")).expect("cbor")
        })
    };
    let resp = ask(vec![]);
    assert!(
        resp.records.iter().all(|r| r.id != secret),
        "team B cannot fetch team A's record by id"
    );

    // Team B writing under the same id stays in team B.
    let own = bruno
        .nb
        .create_note(note("Note de l'équipe B"))
        .expect("note");
    let bytes = bruno.nb.changes_since(own, &[]).expect("bytes");
    let resp = ask(vec![PushRecord {
        id: secret,
        kind: RecordKind::Note,
        heads: vec![],
        changes: bytes,
    }]);
    // An id is unique on the server: team B cannot use team A's, and is
    // not told what it holds.
    assert_eq!(
        resp.rejected.iter().map(|r| r.code).collect::<Vec<_>>(),
        vec![carnet_core::sync::protocol::RejectCode::Invalid],
        "{:?}",
        resp.rejected
    );
    assert!(!resp.rejected[0].reason.contains("note"));
    aline.sync().expect("sync");
    let carnet_core::Record::Note(n) = aline.nb.record(secret).expect("still there") else {
        panic!()
    };
    assert_eq!(
        n.title, "Note de l'équipe A",
        "team A's record is untouched"
    );
    let conn = rusqlite::Connection::open(server.data.join("server.db")).expect("db");
    let copies: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM records WHERE id = ?1",
            [secret.to_string()],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(copies, 1, "the id is used once, by team A");
}

#[test]
fn the_background_loop_syncs_soon_after_edits_and_survives_the_server_going_away() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut server = TestServer::start();
    let (_, code) = server.create_team("Équipe", "Aline");
    let aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite_any(), "Jean", 2);
    let shared = Arc::new(Mutex::new(aline.nb));
    let sync_loop = runtime.block_on(async { SyncLoop::start(Arc::clone(&shared)) });
    let wait_for = |want: fn(&SyncState) -> bool| {
        let mut l = sync_loop.clone();
        runtime.block_on(async move {
            tokio::time::timeout(Duration::from_secs(30), async {
                let mut s = l.state();
                while !want(&s) {
                    s = l.changed().await.expect("the loop runs");
                }
                s
            })
            .await
            .expect("the state is reached in time")
        })
    };
    wait_for(|s| matches!(s, SyncState::Synced { .. }));

    let id = shared
        .lock()
        .expect("lock")
        .create_note(note("Écrite pendant la synchro"))
        .expect("edit never blocks");
    sync_loop.edited();
    // Wait for a sync that sent the edit: the notebook itself says when
    // nothing waits any more (the watch channel keeps only the latest
    // state, so a whole sync can happen between two looks at it).
    {
        let mut l = sync_loop.clone();
        let shared = Arc::clone(&shared);
        runtime.block_on(async move {
            tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    let waiting = sync::status(&shared.lock().expect("lock"))
                        .expect("status")
                        .waiting;
                    if waiting == 0 {
                        return;
                    }
                    l.changed().await.expect("the loop runs");
                }
            })
            .await
            .expect("the edit is sent in time, without an explicit sync")
        });
    }
    jean.sync().expect("sync");
    assert!(
        jean.nb.record(id).is_ok(),
        "the edit reached the team without an explicit sync"
    );

    server.kill();
    shared
        .lock()
        .expect("lock")
        .create_note(note("Hors ligne"))
        .expect("editing goes on offline");
    sync_loop.edited();
    let state = wait_for(|s| matches!(s, SyncState::Offline { .. }));
    assert!(matches!(state, SyncState::Offline { .. }));
    let status = sync::status(&shared.lock().expect("lock")).expect("status");
    assert_eq!(status.waiting, 1, "the offline note waits for the server");
    assert!(
        status.last_sync.is_some(),
        "background syncs are recorded for the status"
    );
    assert!(
        status
            .last_error
            .is_some_and(|e| e.contains("cannot be reached")),
        "and so is the failure while offline"
    );
}
