//! A hostile member or a hostile packet against the real server on
//! loopback: compression bombs, crafted chunks, erased content under a
//! new id, ids of another team, slow and idle connections, oversized
//! heads, wrong invitation codes by the hundred. Each is refused with a
//! status, a kind and a sentence; nothing stored changes; the server's
//! memory stays bounded; and a legitimate device keeps syncing meanwhile.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use automerge::transaction::Transactable;
use carnet_client::sync::engine::server_client;
use carnet_client::{NoteInput, PersonInput};
use carnet_core::chunks::frame;
use carnet_core::sync::client::build_request;
use carnet_core::sync::protocol::{decode, PushRecord, RejectCode};
use carnet_core::sync::SyncResponse;
use carnet_core::vocab::Method;
use carnet_core::{MemberId, RecordId, RecordKind};
use common::wire::{assert_refused, post, stored, sync_req};
use common::{rt, Device, TestServer};

const MIB: usize = 1024 * 1024;

fn note(title: &str) -> NoteInput {
    NoteInput {
        method: Some(Method::Outreach),
        title: title.into(),
        body: Some("texte".into()),
        ..NoteInput::default()
    }
}

fn token(d: &Device) -> String {
    d.nb.membership().expect("meta").expect("joined").token
}

/// A compressed change chunk that inflates to `size` zero bytes.
fn bomb(size: usize) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MIB];
    for _ in 0..size / MIB {
        e.write_all(&zeros).expect("deflate");
    }
    frame(2, &e.finish().expect("deflate"))
}

/// A change by `member` whose sequence number says 2 though it has no
/// dependencies: it parses, its checksum is right, and applying it makes
/// Automerge panic.
fn crafted(member: MemberId) -> Vec<u8> {
    let mut actor = member.as_bytes().to_vec();
    actor.extend_from_slice(b"crafted!");
    let mut doc = automerge::AutoCommit::new().with_actor(automerge::ActorId::from(actor));
    doc.put(automerge::ROOT, "kind", "note").expect("put");
    doc.put(automerge::ROOT, "title", "Fabriquée").expect("put");
    doc.commit();
    let bytes = doc.save_after(&[]);
    assert_eq!(bytes[8], 1, "an uncompressed change chunk");
    let start = 9 + bytes[9..].iter().position(|b| b & 0x80 == 0).expect("len") + 1;
    let mut contents = bytes[start..].to_vec();
    assert_eq!(contents[0], 0, "no dependencies");
    let actor_len = contents[1] as usize;
    let seq = 2 + actor_len;
    assert_eq!(contents[seq], 1, "the first change of its actor");
    contents[seq] = 2;
    frame(1, &contents)
}

fn push(id: RecordId, kind: RecordKind, changes: Vec<u8>) -> PushRecord {
    PushRecord {
        id,
        kind,
        heads: vec![],
        changes,
    }
}

fn fresh_id(n: u32) -> RecordId {
    format!("01a20000-0000-7000-8000-{n:012}")
        .parse()
        .expect("id")
}

fn answered(a: &common::wire::Answer) -> SyncResponse {
    assert_eq!(a.status, 200, "the round is answered: {}", a.message);
    decode(&a.body).expect("cbor")
}

fn codes(resp: &SyncResponse) -> Vec<RejectCode> {
    resp.rejected.iter().map(|r| r.code).collect()
}

struct Team {
    server: TestServer,
    team: String,
    aline: Device,
}

fn team_with(extra: &[&str]) -> Team {
    let server = TestServer::start_with(&extra.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    aline.nb.create_note(note("Intacte")).expect("note");
    aline.sync().expect("sync");
    Team {
        server,
        team,
        aline,
    }
}

#[test]
fn compression_bombs_are_refused_before_they_are_inflated_while_others_sync() {
    let mut t = team_with(&[]);
    let mut nadia = Device::join(
        &t.server,
        &t.server.invite(&t.team, "worker", true),
        "Nadia",
        2,
    );
    let sync_url = format!("{}/v1/sync", t.server.url);
    let before = stored(&t.server);
    let resident = t.server.peak_resident_bytes();

    // Four records of 256 MiB of zeros each, in 1 MiB: each refused alone.
    let bombs: Vec<PushRecord> = (0..4)
        .map(|n| push(fresh_id(n), RecordKind::Note, bomb(256 * MIB)))
        .collect();
    let body = sync_req(bombs);
    assert!(body.len() < 2 * MIB, "{} bytes", body.len());
    let token = token(&t.aline);
    let attack = {
        let (url, token, body) = (sync_url.clone(), token.clone(), body.clone());
        std::thread::spawn(move || {
            (0..5)
                .map(|_| post(&url, Some(&token), "application/cbor", body.clone()))
                .collect::<Vec<_>>()
        })
    };
    // Meanwhile, a legitimate device's rounds are answered.
    nadia
        .nb
        .create_note(note("Pendant l'attaque"))
        .expect("note");
    let summary = nadia.sync().expect("Nadia syncs while the attack runs");
    assert!(summary.sent >= 1);
    let answers = attack.join().expect("attacker");
    let grown = t.server.peak_resident_bytes().saturating_sub(resident);
    assert!(
        grown < 96 * MIB as u64,
        "the server grew by {} MiB for bombs of 1 GiB",
        grown / MIB as u64
    );
    for a in answers {
        let resp = answered(&a);
        assert_eq!(codes(&resp), vec![RejectCode::TooLarge; 4]);
        assert!(
            resp.rejected[0].reason.contains("16 MiB"),
            "{}",
            resp.rejected[0].reason
        );
    }

    // Records that each stay under the record's bound but together pass
    // the request's: the whole request is refused.
    let many: Vec<PushRecord> = (10..15)
        .map(|n| push(fresh_id(n), RecordKind::Note, bomb(15 * MIB)))
        .collect();
    let a = post(&sync_url, Some(&token), "application/cbor", sync_req(many));
    assert_refused(&a, 413, "too-large");
    assert!(a.message.contains("64 MiB"), "{}", a.message);

    let mut after = stored(&t.server);
    after.retain(|r| before.iter().any(|b| b.0 == r.0));
    assert_eq!(
        after.iter().map(|r| &r.1).collect::<Vec<_>>(),
        before.iter().map(|r| &r.1).collect::<Vec<_>>(),
        "what was stored before is unchanged"
    );
    assert!(
        stored(&t.server).len() == before.len() + 1,
        "only Nadia's note was added"
    );
    t.aline.sync().expect("Aline still syncs");
}

#[test]
fn a_crafted_chunk_that_panics_automerge_is_refused_alone() {
    let mut t = team_with(&[]);
    let member = t.aline.nb.member();
    for n in 0..39 {
        t.aline
            .nb
            .create_note(note(&format!("Note {n}")))
            .expect("note");
    }
    let client = server_client(&t.aline.nb).expect("client");
    let mut req = build_request(&mut t.aline.nb).expect("request");
    assert_eq!(req.push.len(), 39);
    let bad = fresh_id(99);
    req.push
        .insert(17, push(bad, RecordKind::Note, crafted(member)));
    let (resp, _, _) = rt()
        .block_on(client.sync(&req))
        .expect("the round is answered, not a 500");
    assert_eq!(codes(&resp), vec![RejectCode::Invalid]);
    assert_eq!(resp.rejected[0].id, bad);
    assert!(
        resp.records.iter().filter(|r| r.id != bad).count() >= 39,
        "the 39 good records were kept"
    );
    // On the server's log: our line for the refused record, no panic and
    // none of Automerge's own lines.
    let log = t.server.log();
    assert!(
        log.contains("pushed record refused") && log.contains(&bad.to_string()),
        "{log}"
    );
    assert!(
        !log.contains("panicked") && !log.contains("automerge"),
        "{log}"
    );
    t.aline.sync().expect("the notebook syncs on");
}

#[test]
fn a_device_fed_bombs_and_crafted_chunks_refuses_them_and_keeps_its_notes() {
    let mut t = team_with(&[]);
    let id = t.aline.nb.create_note(note("Avant")).expect("note");
    let member = t.aline.nb.member();
    let before = t.aline.nb.record(id).expect("record");
    for bytes in [bomb(64 * MIB), crafted(member)] {
        let refused = t.aline.nb.merge(id, &bytes);
        assert!(refused.is_err(), "refused: {refused:?}");
        let fresh = t.aline.nb.merge(fresh_id(7), &bytes);
        assert!(fresh.is_err(), "refused for a new record too: {fresh:?}");
    }
    assert_eq!(t.aline.nb.record(id).expect("record"), before);
    t.aline.sync().expect("sync");
}

#[test]
fn erased_content_does_not_come_back_under_a_new_id() {
    let mut t = team_with(&[]);
    let person = t
        .aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0142".into(),
            ..Default::default()
        })
        .expect("person");
    t.aline.sync().expect("sync");
    let bytes = t.aline.nb.changes_since(person, &[]).expect("bytes");
    let client = server_client(&t.aline.nb).expect("client");
    rt().block_on(client.erase(person, "demande de la personne"))
        .expect("erased");
    let sync_url = format!("{}/v1/sync", t.server.url);
    let again = fresh_id(5);
    let a = post(
        &sync_url,
        Some(&token(&t.aline)),
        "application/cbor",
        sync_req(vec![push(again, RecordKind::Person, bytes)]),
    );
    let resp = answered(&a);
    assert_eq!(
        codes(&resp),
        vec![RejectCode::Erased],
        "{:?}",
        resp.rejected
    );
    assert!(stored(&t.server).iter().all(|r| r.0 != again.to_string()));
    let kept = t.server.count("SELECT COUNT(*) FROM erased_changes", &[]);
    assert!(kept >= 1, "the tombstone keeps the changes' hashes");
}

#[test]
fn refusals_reveal_no_kind_and_ids_stay_in_their_team() {
    let mut t = team_with(&[]);
    let person = t
        .aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0007".into(),
            ..Default::default()
        })
        .expect("person");
    t.aline.sync().expect("sync");
    let mut jean = Device::join(
        &t.server,
        &t.server.invite(&t.team, "worker", false),
        "Jean",
        3,
    );
    let sync_url = format!("{}/v1/sync", t.server.url);

    // Jean, without persons, pushes a note under the person's id.
    let mine = jean.nb.create_note(note("La mienne")).expect("note");
    let bytes = jean.nb.changes_since(mine, &[]).expect("bytes");
    let a = post(
        &sync_url,
        Some(&token(&jean)),
        "application/cbor",
        sync_req(vec![push(person, RecordKind::Note, bytes.clone())]),
    );
    let resp = answered(&a);
    assert_eq!(codes(&resp), vec![RejectCode::Invalid]);
    let reason = resp.rejected[0].reason.to_lowercase();
    assert!(
        !reason.contains("person") && !reason.contains("note"),
        "the refusal does not say what the id holds: {reason}"
    );

    // An id another team uses is refused, and that team is untouched.
    let (_, code_b) = t.server.create_team("Équipe B", "Bruno");
    let mut bruno = Device::join(&t.server, &code_b, "Bruno", 4);
    let theirs = bruno.nb.create_note(note("Chez B")).expect("note");
    bruno.sync().expect("sync");
    let a = post(
        &sync_url,
        Some(&token(&jean)),
        "application/cbor",
        sync_req(vec![push(theirs, RecordKind::Note, bytes)]),
    );
    assert_eq!(codes(&answered(&a)), vec![RejectCode::Invalid]);
    let teams = t.server.count(
        "SELECT COUNT(*) FROM records WHERE id = $1",
        &[theirs.to_string().into()],
    );
    assert_eq!(teams, 1, "the id is used once on the server");

    // The person is erased: Jean's device, which never held a person, is
    // not told its id; a device with persons is.
    let client = server_client(&t.aline.nb).expect("client");
    rt().block_on(client.erase(person, "demande de la personne"))
        .expect("erased");
    let erased_for = |d: &mut Device| {
        let client = server_client(&d.nb).expect("client");
        let mut req = build_request(&mut d.nb).expect("request");
        req.cursor = 0;
        rt().block_on(client.sync(&req)).expect("round").0.erased
    };
    assert!(!erased_for(&mut jean).contains(&person));
    assert!(erased_for(&mut t.aline).contains(&person));
}

/// A raw connection to the server, with a read deadline.
fn connect(server: &TestServer) -> TcpStream {
    let addr = server.url.trim_start_matches("http://");
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    s
}

/// A raw sync request's head (and the first bytes of its body): by
/// `token` when given, announcing `length` bytes of body.
fn sync_head(server: &TestServer, token: Option<&str>, length: usize, first: &[u8]) -> TcpStream {
    let host = server.url.trim_start_matches("http://");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let mut s = connect(server);
    s.write_all(
        format!(
            "POST /v1/sync HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/cbor\r\nContent-Length: {length}\r\n\r\n"
        )
        .as_bytes(),
    )
    .expect("write");
    let _ = s.write_all(first);
    s
}

/// Read until the server closes or the deadline passes; what was read,
/// and whether the server closed the connection.
fn read_all(s: &mut TcpStream) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&out).into(), true)
            }
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

#[test]
fn slow_idle_and_oversized_requests_are_cut_off_with_clear_answers() {
    let t = team_with(&[
        "--header-timeout",
        "1",
        "--body-timeout",
        "1",
        "--connections-per-address",
        "16",
    ]);
    let host = t.server.url.trim_start_matches("http://").to_string();

    // An idle connection and one whose headers never finish are closed.
    let mut idle = connect(&t.server);
    let mut partial = connect(&t.server);
    partial
        .write_all(format!("POST /v1/sync HTTP/1.1\r\nHost: {host}\r\nX-Slow: ").as_bytes())
        .expect("write");
    assert!(read_all(&mut idle).1, "an idle connection is closed");
    assert!(read_all(&mut partial).1, "unfinished headers are cut off");

    // A device's body that stops half-way: 408 with the usual body.
    let mut slow = sync_head(&t.server, Some(&token(&t.aline)), 1000, b"0123456789");
    let (answer, _) = read_all(&mut slow);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"kind\":\"bad-request\""), "{answer}");

    // Twelve unauthenticated 30 MiB posts: refused from their headers,
    // the bodies never read.
    let resident = t.server.peak_resident_bytes();
    let posts: Vec<_> = (0..12)
        .map(|_| sync_head(&t.server, None, 30 * MIB, &vec![0u8; MIB]))
        .collect();
    for mut s in posts {
        let (answer, _) = read_all(&mut s);
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(answer.contains("\"kind\":\"unknown-token\""), "{answer}");
    }
    let grown = t.server.peak_resident_bytes().saturating_sub(resident);
    assert!(
        grown < 64 * MIB as u64,
        "grew by {} MiB",
        grown / MIB as u64
    );

    // A long address and long headers: 414 and 431, with the usual body.
    let mut s = connect(&t.server);
    s.write_all(
        format!(
            "GET /v1/health?{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
            "a".repeat(3000)
        )
        .as_bytes(),
    )
    .expect("write");
    let (answer, _) = read_all(&mut s);
    assert!(answer.starts_with("HTTP/1.1 414"), "{answer}");
    assert!(answer.contains("\"kind\":\"too-large\""), "{answer}");
    let mut s = connect(&t.server);
    s.write_all(
        format!(
            "GET /v1/health HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
            "b".repeat(20_000)
        )
        .as_bytes(),
    )
    .expect("write");
    let (answer, _) = read_all(&mut s);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(answer.contains("\"kind\":\"too-large\""), "{answer}");
}

#[test]
fn connections_from_one_address_are_capped() {
    let t = team_with(&["--connections-per-address", "3"]);
    let held: Vec<_> = (0..3).map(|_| connect(&t.server)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut fourth = connect(&t.server);
    let (read, closed) = read_all(&mut fourth);
    assert!(closed && read.is_empty(), "the fourth is closed: {read}");
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let health = rt()
        .block_on(reqwest::get(format!("{}/v1/health", t.server.url)))
        .expect("answers again");
    assert_eq!(health.status().as_u16(), 200);
}

#[test]
fn wrong_invitation_codes_are_limited_per_address_and_logged() {
    let t = team_with(&["--failed-joins-per-address", "3"]);
    let good = t.server.invite(&t.team, "worker", false);
    let join = |code: &str| {
        rt().block_on(async {
            let resp = reqwest::Client::new()
                .post(format!("{}/v1/join", t.server.url))
                .json(&serde_json::json!({"code": code, "device_name": "x", "member_name": "X"}))
                .send()
                .await
                .expect("answer");
            let status = resp.status().as_u16();
            let retry = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap_or_default().to_string());
            let body: serde_json::Value = resp.json().await.expect("json");
            (
                status,
                body["kind"].as_str().unwrap_or_default().to_string(),
                retry,
            )
        })
    };
    for n in 0..3 {
        let (status, kind, _) = join(&format!("AAAA-BBBB-CCC{n}"));
        assert_eq!((status, kind.as_str()), (400, "invalid-code"));
    }
    let (status, kind, retry) = join("AAAA-BBBB-CCCX");
    assert_eq!((status, kind.as_str()), (429, "too-many-attempts"));
    assert!(retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| s > 0)));
    let (status, _, _) = join(&good);
    assert_eq!(status, 429, "even a right code waits, from this address");
    let log = t.server.log();
    assert!(log.contains("join refused"), "{log}");
    assert!(!log.contains("AAAA"), "the codes typed are not logged");

    // Codes are stored with the server's key, not a bare hash.
    let plain = {
        use sha2::Digest;
        let normal: String = good.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        hex_of(&sha2::Sha256::digest(normal.as_bytes()))
    };
    let found = t.server.count(
        "SELECT COUNT(*) FROM invitations WHERE code_hash = $1",
        &[plain.into()],
    );
    assert_eq!(found, 0, "the stored hash is keyed");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn tls_connections_that_stall_in_the_handshake_or_the_headers_are_closed() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let server = TestServer::start_tls(
        &cert.cert.pem(),
        &cert.signing_key.serialize_pem(),
        &["--header-timeout", "1"],
    );
    let addr = server.url.trim_start_matches("https://").to_string();
    let raw = || {
        let s = TcpStream::connect(&addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        s
    };

    // A connection that never starts its handshake.
    let mut silent = raw();
    assert!(read_all(&mut silent).1, "a stalled handshake is cut off");

    // A handshake that completes, then headers that never finish.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).expect("root");
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("tls");
    let mut tls = rustls::StreamOwned::new(conn, raw());
    tls.write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .expect("handshake and partial headers");
    tls.flush().expect("flush");
    let mut buf = [0u8; 512];
    let closed = match tls.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(
        closed,
        "headers that never finish are cut off after the handshake"
    );
}

#[test]
fn a_device_sending_slowly_delays_only_itself() {
    let t = team_with(&["--body-timeout", "30"]);
    let mut nadia = Device::join(
        &t.server,
        &t.server.invite(&t.team, "worker", true),
        "Nadia",
        2,
    );
    // Aline's device opens more slow pushes than the server decodes at
    // once, each stopping half-way through its body.
    let slow: Vec<TcpStream> = (0..4)
        .map(|_| sync_head(&t.server, Some(&token(&t.aline)), 100_000, b"0123456789"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    nadia
        .nb
        .create_note(note("Pendant ce temps"))
        .expect("note");
    nadia.sync().expect("Nadia's round is answered");
    // Nadia was answered while Aline's pushes still wait for their bodies.
    for s in &slow {
        s.set_nonblocking(true).expect("nonblocking");
        let mut buf = [0u8; 64];
        let waiting = matches!(
            (&*s).read(&mut buf),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
        );
        assert!(waiting, "the slow pushes are not answered yet");
    }
}
