//! Bad input against the real server: every refusal is a clear 4xx with
//! `{kind, message}`, changes nothing stored, and the server keeps
//! serving everyone else.

mod common;

use automerge::transaction::Transactable;
use carnet_client::NoteInput;
use carnet_core::sync::protocol::{encode, PushRecord, SyncRequest};
use carnet_core::sync::{encode_heads, SyncResponse};
use carnet_core::vocab::Method;
use carnet_core::{RecordId, RecordKind};
use common::wire::{assert_refused, post, stored, sync_req};
use common::{Device, TestServer};

struct Setup {
    server: TestServer,
    team: String,
    aline: Device,
    token: String,
}

fn setup() -> Setup {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    aline
        .nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Intacte".into(),
            body: Some("avant".into()),
            ..Default::default()
        })
        .expect("note");
    aline.sync().expect("sync");
    let token = aline.nb.membership().expect("meta").expect("joined").token;
    Setup {
        server,
        team,
        aline,
        token,
    }
}

#[test]
fn malformed_requests_get_clear_4xx_and_change_nothing() {
    let mut s = setup();
    let before = stored(&s.server);
    let sync = format!("{}/v1/sync", s.server.url);
    let good = sync_req(vec![]);

    assert_refused(
        &post(
            &sync,
            Some(&s.token),
            "application/cbor",
            b"\xff\x00garbage".to_vec(),
        ),
        400,
        "bad-request",
    );
    assert_refused(
        &post(
            &sync,
            Some(&s.token),
            "application/cbor",
            good[..good.len() / 2].to_vec(),
        ),
        400,
        "bad-request",
    );
    assert_refused(
        &post(&sync, Some(&s.token), "application/json", good.clone()),
        415,
        "unsupported-media-type",
    );
    assert_refused(
        &post(
            &sync,
            Some(&s.token),
            "application/cbor",
            vec![0u8; 33 * 1024 * 1024],
        ),
        413,
        "too-large",
    );
    let old = encode(&SyncRequest {
        protocol: 99,
        cursor: 0,
        last_answer: 0,
        push: vec![],
        want_full: vec![],
    });
    let a = post(&sync, Some(&s.token), "application/cbor", old);
    assert_refused(&a, 426, "protocol-version");
    assert!(a.message.contains("update Carnet"), "{}", a.message);

    assert_refused(
        &post(&sync, None, "application/cbor", good.clone()),
        401,
        "unknown-token",
    );
    assert_refused(
        &post(
            &sync,
            Some("0123456789abcdef"),
            "application/cbor",
            good.clone(),
        ),
        401,
        "unknown-token",
    );
    let join = format!("{}/v1/join", s.server.url);
    assert_refused(
        &post(&join, None, "application/json", b"{\"code\": 12".to_vec()),
        400,
        "bad-request",
    );
    assert_refused(
        &post(
            &join,
            None,
            "application/json",
            br#"{"code":"AAAA-BBBB-CCCC"}"#.to_vec(),
        ),
        400,
        "invalid-code",
    );
    let invite = format!("{}/v1/invitations", s.server.url);
    assert_refused(
        &post(
            &invite,
            Some(&s.token),
            "application/json",
            br#"{"role":"king"}"#.to_vec(),
        ),
        400,
        "bad-request",
    );
    assert_refused(
        &post(
            &format!("{}/v1/nothing", s.server.url),
            None,
            "application/json",
            vec![],
        ),
        404,
        "not-found",
    );

    assert_eq!(stored(&s.server), before, "nothing stored changed");
    s.aline.sync().expect("the server still serves");
}

#[test]
fn invitation_codes_are_single_use_and_expire() {
    let s = setup();
    let code = s.server.invite(&s.team, "worker", false);
    let _jean = Device::join(&s.server, &code, "Jean", 2);
    let join = format!("{}/v1/join", s.server.url);
    let body = |c: &str| {
        serde_json::to_vec(
            &serde_json::json!({ "code": c, "device_name": "x", "member_name": "X" }),
        )
        .expect("json")
    };
    let a = post(&join, None, "application/json", body(&code));
    assert_refused(&a, 410, "used-code");
    assert!(a.message.contains("already used"), "{}", a.message);

    let expiring = s.server.invite(&s.team, "worker", false);
    s.server.execute(
        "UPDATE invitations SET expires_at = 0 WHERE used_at IS NULL",
        &[],
    );
    let a = post(
        &join,
        None,
        "application/json",
        body(&expiring.to_lowercase()),
    );
    assert_refused(&a, 410, "expired-code");
    assert!(
        a.message.contains("ask your coordinator for a new one"),
        "{}",
        a.message
    );

    let worker = {
        let code = {
            s.server
                .execute("DELETE FROM invitations WHERE used_at IS NULL", &[]);
            s.server.invite(&s.team, "worker", false)
        };
        Device::join(&s.server, &code, "Nadia", 3)
    };
    let token = worker.nb.membership().expect("meta").expect("joined").token;
    let a = post(
        &format!("{}/v1/invitations", s.server.url),
        Some(&token),
        "application/json",
        br#"{"role":"worker"}"#.to_vec(),
    );
    assert_refused(&a, 403, "forbidden");
}

#[test]
fn records_of_the_wrong_kind_shape_or_author_are_refused_per_record() {
    let mut s = setup();
    let before = stored(&s.server);
    let sync = format!("{}/v1/sync", s.server.url);
    let id = s
        .aline
        .nb
        .record_ids()
        .expect("ids")
        .into_iter()
        .find(|(_, k)| *k == RecordKind::Note)
        .expect("a note")
        .0;
    let full = s.aline.nb.changes_since(id, &[]).expect("bytes");
    let heads = encode_heads(&s.aline.nb.heads(id).expect("heads"));

    // 1. Claims to be a person.
    let wrong_kind = PushRecord {
        id,
        kind: RecordKind::Person,
        heads: heads.clone(),
        changes: full.clone(),
    };
    // 2. Garbage Automerge bytes for a new id.
    let new_id: RecordId = "01a20000-0000-7000-8000-000000000001".parse().expect("id");
    let garbage = PushRecord {
        id: new_id,
        kind: RecordKind::Note,
        heads: vec![],
        changes: b"\x85\x6f\x4a\x83garbage".to_vec(),
    };
    // 3. A change that empties the title (fails validation).
    let mut doc = automerge::AutoCommit::load(&full).expect("load");
    let member = s.aline.nb.member();
    let mut actor = member.as_bytes().to_vec();
    actor.extend_from_slice(b"hacker!!");
    doc.set_actor(automerge::ActorId::from(actor));
    let before_heads = doc.get_heads();
    doc.put(automerge::ROOT, "title", "").expect("put");
    doc.commit();
    let invalid = PushRecord {
        id,
        kind: RecordKind::Note,
        heads: encode_heads(&doc.get_heads()),
        changes: doc.save_after(&before_heads),
    };
    // 4. A change signed by someone outside the team.
    let mut forged = automerge::AutoCommit::load(&full).expect("load");
    forged.set_actor(automerge::ActorId::from(vec![7u8; 24]));
    let fh = forged.get_heads();
    forged.put(automerge::ROOT, "title", "Usurpé").expect("put");
    forged.commit();
    let outsider = PushRecord {
        id,
        kind: RecordKind::Note,
        heads: encode_heads(&forged.get_heads()),
        changes: forged.save_after(&fh),
    };

    for (what, push, code) in [
        ("wrong kind", wrong_kind, "invalid"),
        ("garbage bytes", garbage, "invalid"),
        ("empty title", invalid, "invalid"),
        ("outsider", outsider, "forbidden"),
    ] {
        let a = post(
            &sync,
            Some(&s.token),
            "application/cbor",
            sync_req(vec![push]),
        );
        assert_eq!(
            a.status, 200,
            "{what}: a refused record does not fail the round"
        );
        let resp: SyncResponse = carnet_core::sync::protocol::decode(&a.body).expect("cbor");
        assert_eq!(resp.rejected.len(), 1, "{what} is refused");
        let reason = &resp.rejected[0].reason;
        assert_eq!(
            serde_json::to_value(resp.rejected[0].code).expect("code"),
            code,
            "{what}: {reason}"
        );
        assert!(!reason.is_empty());
    }
    let after = stored(&s.server);
    let unchanged: Vec<_> = after.iter().map(|r| (&r.0, &r.1)).collect();
    let was: Vec<_> = before.iter().map(|r| (&r.0, &r.1)).collect();
    assert_eq!(unchanged, was, "no stored record changed");
    s.aline.sync().expect("the server still serves");
}
