//! Who may do what, across teams and roles, against the real server: a
//! coordinator of one team cannot revoke or erase in another, a worker
//! cannot revoke or erase at all, and a worker without access to persons
//! cannot get a person by asking for its full copy. Each refusal changes
//! nothing.

mod common;

use carnet_client::sync::engine::server_client;
use carnet_client::{ClientError, NoteInput, PersonInput};
use carnet_core::sync::client::build_request;
use carnet_core::vocab::Method;
use carnet_core::{ErrorKind, RecordKind};
use common::{rt, Device, TestServer};

fn note(title: &str) -> NoteInput {
    NoteInput {
        method: Some(Method::Outreach),
        title: title.into(),
        body: Some("texte".into()),
        ..NoteInput::default()
    }
}

fn refused_with(result: carnet_client::Result<()>, status: u16, kind: ErrorKind, what: &str) {
    match result {
        Err(ClientError::Server {
            status: s, kind: k, ..
        }) if s == status && k == kind => {}
        other => panic!("{what}: expected {status} {kind}, got {other:?}"),
    }
}

#[test]
fn a_coordinator_cannot_revoke_or_erase_in_another_team() {
    let server = TestServer::start();
    let (_, code_a) = server.create_team("Équipe A", "Aline");
    let (_, code_b) = server.create_team("Équipe B", "Bruno");
    let aline = Device::join(&server, &code_a, "Aline", 1);
    let mut bruno = Device::join(&server, &code_b, "Bruno", 2);
    let note_b = bruno.nb.create_note(note("Note de B")).expect("note");
    bruno.sync().expect("sync");
    let bruno_device = bruno.nb.membership().expect("meta").expect("joined").device;

    let a = server_client(&aline.nb).expect("client");
    refused_with(
        rt().block_on(a.revoke(bruno_device)),
        404,
        ErrorKind::NotFound,
        "A's coordinator revoking B's device",
    );
    refused_with(
        rt().block_on(a.erase(note_b, "pas à nous")),
        404,
        ErrorKind::NotFound,
        "A's coordinator erasing B's note",
    );
    let devices = rt().block_on(a.devices()).expect("A's devices");
    assert!(
        devices.iter().all(|d| d.id != bruno_device),
        "A's coordinator does not even see B's devices"
    );

    // Nothing changed for B.
    let summary = bruno.sync().expect("B still syncs");
    assert_eq!(summary.erased, 0, "B's note was not erased");
    assert!(bruno.nb.record(note_b).is_ok(), "B's note is still there");
    let listed = rt()
        .block_on(server_client(&bruno.nb).expect("client").devices())
        .expect("B's devices");
    let mine = listed
        .iter()
        .find(|d| d.id == bruno_device)
        .expect("B's device is listed");
    assert_eq!(mine.revoked_at, None, "B's device was not revoked");
}

#[test]
fn a_worker_can_neither_revoke_nor_erase() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", true), "Jean", 2);
    let id = aline.nb.create_note(note("Note d'Aline")).expect("note");
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    let aline_device = aline.nb.membership().expect("meta").expect("joined").device;

    let j = server_client(&jean.nb).expect("client");
    refused_with(
        rt().block_on(j.erase(id, "je voudrais")),
        403,
        ErrorKind::Forbidden,
        "a worker erasing",
    );
    refused_with(
        rt().block_on(j.revoke(aline_device)),
        403,
        ErrorKind::Forbidden,
        "a worker revoking",
    );
    match rt().block_on(j.devices()) {
        Err(ClientError::Server { status: 403, .. }) => {}
        other => panic!("a worker listing devices: expected 403, got {other:?}"),
    }
    // Nothing changed.
    assert_eq!(jean.sync().expect("sync").erased, 0);
    assert!(
        jean.nb.record(id).is_ok(),
        "the note is still on Jean's device"
    );
    assert_eq!(aline.sync().expect("Aline still syncs").erased, 0);
}

#[test]
fn a_worker_without_persons_gets_no_person_by_asking_for_its_full_copy() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 2);
    let person = aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0099".into(),
            ..Default::default()
        })
        .expect("person");
    aline.nb.create_note(note("Note")).expect("note");
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    assert!(
        jean.nb.record(person).is_err(),
        "Jean never received the person"
    );

    // Jean's device asks for the person's full copy by id.
    let client = server_client(&jean.nb).expect("client");
    let mut req = build_request(&mut jean.nb).expect("request");
    req.want_full.push(person);
    let (resp, _, _) = rt()
        .block_on(client.sync(&req))
        .expect("the round is answered");
    assert!(
        resp.records.iter().all(|r| r.id != person),
        "the person's bytes are not sent: {:?}",
        resp.records
            .iter()
            .map(|r| (r.id, r.kind))
            .collect::<Vec<_>>()
    );
    assert!(
        resp.records.iter().all(|r| r.kind != RecordKind::Person),
        "no person at all reaches a device without access to persons"
    );
}
