//! Law 25 duties across a team on the real server: a withdrawn consent
//! to identifying details takes the name off every device; the register
//! of confidentiality incidents reaches coordinators only, and the server
//! refuses a worker's or an observer's incident however it is sent; a
//! person's export is refused to a member without access to persons.

mod common;

use carnet_client::notebook::IncidentInput;
use carnet_client::sync::engine::server_client;
use carnet_client::{ClientError, PersonInput, ReferralInput};
use carnet_core::record::{Identity, Record};
use carnet_core::sync::client::build_request;
use carnet_core::sync::protocol::{decode, PushRecord, RejectCode};
use carnet_core::sync::SyncResponse;
use carnet_core::vocab::{ConsentMethod, ConsentPurpose, NeedCategory};
use carnet_core::{Day, ErrorKind, RecordId, RecordKind};
use common::wire::{post, sync_req};
use common::{rt, Device, TestServer};

fn person_of(d: &mut Device, id: RecordId) -> carnet_core::record::Person {
    match d.nb.record(id).expect("the person is on the device") {
        Record::Person(p) => *p,
        other => panic!("{other:?}"),
    }
}

#[test]
fn withdrawing_consent_takes_the_identity_off_every_device_of_the_team() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", true), "Jean", 2);
    let mut nadia = Device::join(
        &server,
        &server.invite(&team, "coordinator", false),
        "Nadia",
        3,
    );

    let p = aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0777".into(),
            ..Default::default()
        })
        .expect("person");
    for purpose in [
        ConsentPurpose::IdentifyingDetails,
        ConsentPurpose::SharingWithPartners,
    ] {
        aline
            .nb
            .record_consent(p, purpose, true, ConsentMethod::Written)
            .expect("consent");
    }
    aline
        .nb
        .set_identity(
            p,
            Identity {
                name: Some("Rosalie Desrochers".into()),
                phone: Some("514 555 0177".into()),
                address: None,
            },
        )
        .expect("identity");
    let shared = ReferralInput {
        service: "Banque alimentaire".into(),
        resource_id: None,
        service_id: None,
        need: NeedCategory::FoodInsecurity,
        note: None,
        status: None,
        share_identity: true,
    };
    aline
        .nb
        .add_referral(p, shared.clone())
        .expect("shared referral");
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    nadia.sync().expect("sync");
    for d in [&mut jean, &mut nadia] {
        let got = person_of(d, p);
        assert_eq!(
            got.identity.and_then(|i| i.name).as_deref(),
            Some("Rosalie Desrochers"),
            "the name reached every device first"
        );
    }

    // Jean, in the field, records the person's withdrawal.
    let effects = jean
        .nb
        .record_consent(
            p,
            ConsentPurpose::IdentifyingDetails,
            false,
            ConsentMethod::Verbal,
        )
        .expect("withdrawn");
    assert!(effects.identity_removed);
    let effects = jean
        .nb
        .record_consent(
            p,
            ConsentPurpose::SharingWithPartners,
            false,
            ConsentMethod::Verbal,
        )
        .expect("withdrawn");
    assert_eq!(effects.referrals_unshared, 1);
    jean.sync().expect("sync");
    aline.sync().expect("sync");
    nadia.sync().expect("sync");
    for (who, d) in [
        ("Aline", &mut aline),
        ("Jean", &mut jean),
        ("Nadia", &mut nadia),
    ] {
        let got = person_of(d, p);
        assert!(got.identity.is_none(), "{who} still holds the identity");
        assert!(
            got.referrals.iter().all(|r| !r.share_identity),
            "{who}'s referral still shares it"
        );
        assert!(
            d.nb.search("Rosalie", 10).expect("search").is_empty(),
            "{who}'s search still finds the name"
        );
        let detail = serde_json::to_string(&d.nb.person_detail(p).expect("detail")).expect("json");
        assert!(
            !detail.contains("Rosalie"),
            "{who}'s person page shows the name"
        );
        assert!(
            !detail.contains("0177"),
            "{who}'s person page shows the phone"
        );
    }

    // A referral sharing identity is now refused on any device.
    let err = aline
        .nb
        .add_referral(p, shared)
        .expect_err("no consent to share any more");
    assert!(matches!(err, ClientError::BadInput(_)), "{err:?}");
}

fn incident(title: &str) -> IncidentInput {
    IncidentInput {
        title: title.into(),
        information: "Fiches de personnes suivies".into(),
        information_unknown_reason: None,
        circumstances: "Sac volé au parc".into(),
        occurred_from: Day::from_ymd(2026, 11, 30).expect("day"),
        occurred_to: None,
        occurred_approximate: false,
        aware_on: Day::from_ymd(2026, 12, 1).expect("day"),
        persons_concerned: 12,
        persons_estimated: false,
        sensitivity: "Moyenne".into(),
        misuse: "Hameçonnage".into(),
        consequences: "Inquiétude".into(),
        likelihood: "Faible".into(),
        serious_risk: false,
        commission_notified_on: None,
        persons_notified_on: None,
        public_notice: None,
        measures: "Appareil révoqué".into(),
        device: None,
    }
}

fn kinds_of(resp: &SyncResponse) -> Vec<RecordKind> {
    resp.records.iter().map(|r| r.kind).collect()
}

#[test]
fn only_coordinators_read_and_write_the_register_and_the_server_enforces_it() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", true), "Jean", 2);
    let mut omar = Device::join(&server, &server.invite(&team, "observer", true), "Omar", 3);
    let mut nadia = Device::join(
        &server,
        &server.invite(&team, "coordinator", false),
        "Nadia",
        4,
    );

    let id = aline
        .nb
        .create_incident(incident("Sac volé"))
        .expect("incident");
    aline.sync().expect("sync");
    nadia.sync().expect("sync");
    assert_eq!(
        nadia.nb.incidents().expect("register").len(),
        1,
        "another coordinator reads it"
    );

    for (who, d) in [("Jean", &mut jean), ("Omar", &mut omar)] {
        d.sync().expect("sync");
        assert!(d.nb.record(id).is_err(), "{who} received the incident");
        match d.nb.incidents() {
            Err(ClientError::Forbidden(m)) => assert!(m.contains("only a coordinator"), "{m}"),
            other => panic!("{who} reading the register: {other:?}"),
        }
        match d.nb.create_incident(incident("Le mien")) {
            Err(e) => assert_eq!(e.kind(), ErrorKind::Forbidden, "{who}: {e}"),
            Ok(_) => panic!("{who} wrote to the register"),
        }
        // Asking for the incident's full copy by id gets nothing.
        let client = server_client(&d.nb).expect("client");
        let mut req = build_request(&mut d.nb).expect("request");
        req.want_full.push(id);
        let (resp, _, _) = rt().block_on(client.sync(&req)).expect("answered");
        assert!(
            !kinds_of(&resp).contains(&RecordKind::Incident),
            "{who} got an incident: {:?}",
            kinds_of(&resp)
        );
    }

    // A hand-made push of an incident, new or an edit, is refused.
    let bytes = aline.nb.changes_since(id, &[]).expect("bytes");
    let fresh: RecordId = "01a20000-0000-7000-8000-000000000777".parse().expect("id");
    for (who, d) in [("Jean", &jean), ("Omar", &omar)] {
        let token = d.nb.membership().expect("meta").expect("joined").token;
        for target in [fresh, id] {
            let a = post(
                &format!("{}/v1/sync", server.url),
                Some(&token),
                "application/cbor",
                sync_req(vec![PushRecord {
                    id: target,
                    kind: RecordKind::Incident,
                    heads: vec![],
                    changes: bytes.clone(),
                }]),
            );
            assert_eq!(a.status, 200, "{}", a.message);
            let resp: SyncResponse = decode(&a.body).expect("cbor");
            let codes: Vec<RejectCode> = resp.rejected.iter().map(|r| r.code).collect();
            assert_eq!(codes, vec![RejectCode::Forbidden], "{who} pushing {target}");
            assert!(
                resp.rejected[0]
                    .reason
                    .contains("confidentiality incidents"),
                "{:?}",
                resp.rejected
            );
            assert!(!kinds_of(&resp).contains(&RecordKind::Incident));
        }
    }
    // Nothing changed: the register still holds one entry, as it was.
    aline.sync().expect("sync");
    let register = aline.nb.incidents().expect("register");
    assert_eq!(register.len(), 1);
    assert_eq!(register[0].incident.title, "Sac volé");
}

#[test]
fn a_member_without_access_to_persons_cannot_export_a_persons_data() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Équipe", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut omar = Device::join(&server, &server.invite(&team, "observer", true), "Omar", 2);
    let p = aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0888".into(),
            ..Default::default()
        })
        .expect("person");
    aline.sync().expect("sync");
    omar.sync().expect("sync");
    let out = tempfile::tempdir().expect("dir");
    match omar.nb.export_person(p, None, out.path()) {
        Err(ClientError::Forbidden(m)) => assert!(m.contains("only a coordinator"), "{m}"),
        other => panic!("an observer exported a person's data: {other:?}"),
    }
    assert_eq!(
        std::fs::read_dir(out.path()).expect("dir").count(),
        0,
        "nothing written"
    );
    let files = aline
        .nb
        .export_person(p, None, out.path())
        .expect("the coordinator exports");
    assert!(files.json.exists() && files.pdf.exists());
    aline.sync().expect("sync");
    omar.sync().expect("sync");
    assert_eq!(
        person_of(&mut omar, p).disclosures.len(),
        1,
        "the export is recorded in the person's file for the whole team"
    );
}
