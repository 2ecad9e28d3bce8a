//! Partner organisations on a real server: a link worker refers persons to
//! services of the directory; the partner's device receives the referrals
//! addressed to its organisation and nothing else of the team, answers,
//! writes and closes them; the link worker sees each step, named. The
//! person's name reaches the partner only with their consent, and leaves
//! its device, history included, when the consent is withdrawn. A
//! partner's forged requests are refused and change nothing.

mod common;

use std::collections::BTreeSet;

use carnet_client::{
    ClientError, NoteInput, PersonInput, ReferralInput, ResourceInput, ServiceInput,
};
use carnet_core::record::{Identity, Record};
use carnet_core::sync::protocol::{decode, PushRecord, RejectCode};
use carnet_core::sync::{encode_heads, SyncResponse};
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, Method, NeedCategory, ReferralOutcome, ReferralStatus,
};
use carnet_core::{Actor, Codebook, ItemId, MemberId, RecordDoc, RecordId, RecordKind, Timestamp};
use common::wire::{post, stored, sync_req};
use common::{Device, TestServer};

/// A team: Aline coordinates, Nadia refers; two organisations in the
/// directory; Paul answers for the first.
struct Network {
    server: TestServer,
    team: String,
    aline: Device,
    nadia: Device,
    carrefour: RecordId,
    pantry: ItemId,
    maison: RecordId,
    lodging: ItemId,
}

fn organisation(nb: &mut carnet_client::Notebook, name: &str, service: &str) -> (RecordId, ItemId) {
    let org = nb
        .save_resource(
            None,
            ResourceInput {
                name_fr: name.into(),
                services: vec![ServiceInput {
                    name_fr: service.into(),
                    needs: vec![NeedCategory::FoodInsecurity],
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .expect("organisation");
    let Record::Resource(r) = nb.record(org).expect("resource") else {
        panic!("a resource")
    };
    (org, r.services[0].id)
}

fn network() -> Network {
    let server = TestServer::start();
    let (team, code) = server.create_team("Clic Social", "Aline");
    let aline = Device::join(&server, &code, "Aline", 61);
    let mut nadia = Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 62);
    let (carrefour, pantry) = organisation(&mut nadia.nb, "Carrefour d'entraide", "Comptoir");
    let (maison, lodging) = organisation(&mut nadia.nb, "Maison d'accueil", "Hébergement");
    nadia.sync().expect("sync");
    Network {
        server,
        team,
        aline,
        nadia,
        carrefour,
        pantry,
        maison,
        lodging,
    }
}

/// A person with the consents to be referred (and, if `share`, to share
/// their name and phone with partners), and their name.
fn person(nb: &mut carnet_client::Notebook, pseudonym: &str, name: &str, share: bool) -> RecordId {
    let p = nb
        .create_person(PersonInput {
            pseudonym: pseudonym.into(),
            ..Default::default()
        })
        .expect("person");
    let mut purposes = vec![ConsentPurpose::Referral, ConsentPurpose::IdentifyingDetails];
    if share {
        purposes.push(ConsentPurpose::SharingWithPartners);
    }
    for purpose in purposes {
        nb.record_consent(p, purpose, true, ConsentMethod::Verbal)
            .expect("consent");
    }
    nb.set_identity(
        p,
        Identity {
            name: Some(name.into()),
            phone: Some("514 555-0142".into()),
            address: None,
        },
    )
    .expect("identity");
    p
}

fn refer(nb: &mut carnet_client::Notebook, p: RecordId, service: ItemId, share: bool) -> ItemId {
    nb.add_referral(
        p,
        ReferralInput {
            service: String::new(),
            resource_id: None,
            service_id: Some(service),
            need: NeedCategory::FoodInsecurity,
            note: Some("Besoin urgent".into()),
            status: None,
            share_identity: share,
        },
    )
    .expect("referral")
}

fn record_id(referral: ItemId) -> RecordId {
    RecordId::from_uuid(*referral.as_uuid())
}

/// The ids of every record a device holds.
fn held(d: &Device) -> BTreeSet<RecordId> {
    d.nb.record_ids()
        .expect("ids")
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// The server's records: id, kind, scope.
fn server_records(server: &TestServer) -> Vec<(RecordId, String, Option<String>)> {
    server
        .query("SELECT id, kind, scope FROM records", &[])
        .iter()
        .map(|r| {
            (
                r.text(0).expect("id").parse().expect("id"),
                r.text(1).expect("kind"),
                r.opt_text(2).expect("scope"),
            )
        })
        .collect()
}

/// A record as the server stores it, decoded.
fn server_doc(server: &TestServer, id: RecordId) -> RecordDoc {
    let snapshot = server.query(
        "SELECT snapshot FROM records WHERE id = $1",
        &[id.to_string().into()],
    )[0]
    .bytes(0)
    .expect("stored");
    let chunks: Vec<Vec<u8>> = server
        .query(
            "SELECT bytes FROM chunks WHERE id = $1 ORDER BY n",
            &[id.to_string().into()],
        )
        .iter()
        .map(|r| r.bytes(0).expect("chunk"))
        .collect();
    RecordDoc::load(id, &snapshot, chunks.iter().map(Vec::as_slice)).expect("loads")
}

#[test]
fn a_partner_receives_only_its_referrals_answers_them_and_the_team_sees_each_step() {
    let mut n = network();
    // Two persons referred to the Carrefour, one sharing their name; one
    // to the Maison; a note and a person referred nowhere.
    let lea = person(&mut n.nadia.nb, "P-Léa", "Léa Fortin", true);
    let sam = person(&mut n.nadia.nb, "P-Sam", "Samuel Gagnon", false);
    let other = person(&mut n.nadia.nb, "P-Ode", "Odette Roy", true);
    let _alone = person(&mut n.nadia.nb, "P-Ali", "Ali Haddad", true);
    let to_lea = refer(&mut n.nadia.nb, lea, n.pantry, true);
    let to_sam = refer(&mut n.nadia.nb, sam, n.pantry, false);
    let elsewhere = refer(&mut n.nadia.nb, other, n.lodging, true);
    n.nadia
        .nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Au parc".into(),
            body: Some("Rencontre avec Léa Fortin".into()),
            ..NoteInput::default()
        })
        .expect("note");
    n.nadia.sync().expect("sync");

    // Another team on the same server, with its own referral.
    let (_, zoe_code) = n.server.create_team("Pôle Sherbrooke", "Zoé");
    let mut zoe = Device::join(&n.server, &zoe_code, "Zoé", 65);
    let (zoe_org, zoe_service) = organisation(&mut zoe.nb, "Carrefour de l'Estrie", "Comptoir");
    let sh = person(&mut zoe.nb, "SH-1", "Hélène Roy", true);
    refer(&mut zoe.nb, sh, zoe_service, true);
    zoe.sync().expect("sync");
    // A partner's invitation names an organisation of the team's directory.
    let elsewhere_org = zoe_org.to_string();
    for bad in [
        vec!["--role", "partner"],
        // Another team's organisation is not in this team's directory.
        vec!["--role", "partner", "--organisation", &elsewhere_org],
        vec![
            "--role",
            "worker",
            "--organisation",
            &n.carrefour.to_string(),
        ],
    ] {
        let mut args = vec!["invite", "--team", &n.team];
        args.extend(bad.iter().copied());
        let out = n.server.admin_output(&args);
        assert!(!out.status.success(), "{args:?} is refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains("organisation"));
    }
    let mut paul = Device::join(
        &n.server,
        &n.server.partner_invite(&n.team, n.carrefour),
        "Paul",
        63,
    );
    assert_eq!(
        paul.nb.partner_organisation().expect("org"),
        Some(n.carrefour)
    );

    // Against every record the server holds: the workspace, its
    // organisation and the two referrals addressed to it; nothing else.
    let expected: BTreeSet<RecordId> = server_records(&n.server)
        .into_iter()
        .filter(|(id, kind, _)| {
            (kind == "workspace" && *id == paul.nb.workspace_id())
                || *id == n.carrefour
                || *id == record_id(to_lea)
                || *id == record_id(to_sam)
        })
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(expected.len(), 4);
    assert!(
        server_records(&n.server).len() >= 15,
        "the two teams hold much more"
    );
    assert_eq!(held(&paul), expected);
    assert!(!held(&paul).contains(&record_id(elsewhere)));
    assert!(!held(&paul).contains(&n.maison));

    // The inbox: the pseudonym always, the name only where shared.
    let inbox = paul.nb.addressed_referrals().expect("inbox");
    assert_eq!(inbox.len(), 2);
    let shared = inbox.iter().find(|t| t.id == to_lea).expect("Léa's");
    assert_eq!(shared.pseudonym, "P-Léa");
    assert_eq!(
        shared.identity.as_ref().and_then(|i| i.name.as_deref()),
        Some("Léa Fortin")
    );
    assert_eq!(shared.made_by, "Nadia");
    let unshared = inbox.iter().find(|t| t.id == to_sam).expect("Sam's");
    assert_eq!(unshared.pseudonym, "P-Sam");
    assert!(unshared.identity.is_none());
    assert!(!format!("{:?}", paul.nb.addressed_referrals().expect("inbox")).contains("Samuel"));

    // Paul accepts Léa's, writes, plans a follow-up and closes it; declines Sam's.
    paul.nb
        .answer_referral(to_lea, true, Some("Rendez-vous mardi"))
        .expect("accept");
    paul.nb
        .post_referral_message(to_lea, "Nous l'attendons mardi à 10 h.")
        .expect("message");
    paul.nb
        .add_referral_follow_up(to_lea, "2026-12-01".parse().expect("day"), Some("Rappeler"))
        .expect("follow-up");
    paul.nb
        .close_referral(to_lea, ReferralOutcome::Received, Some("Panier reçu"))
        .expect("close");
    paul.nb
        .answer_referral(to_sam, false, Some("Plus de place avant mars"))
        .expect("decline");
    // A partner writes nothing else: a note stays on its device, refused.
    let kept = paul
        .nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Pas ici".into(),
            ..NoteInput::default()
        })
        .expect("kept locally");
    let summary = paul.sync().expect("sync");
    assert_eq!(summary.rejected.len(), 1, "{summary:?}");
    assert_eq!(summary.rejected[0].id, kept);
    assert!(
        summary.rejected[0].reason.contains("partner"),
        "{summary:?}"
    );

    // Nadia sees each step, named.
    n.nadia.sync().expect("sync");
    let thread = n.nadia.nb.referral_thread(to_lea).expect("thread");
    assert_eq!(thread.referral.status, ReferralStatus::Completed);
    assert_eq!(thread.referral.result, Some(ReferralOutcome::Received));
    assert_eq!(thread.referral.outcome.as_deref(), Some("Panier reçu"));
    assert_eq!(thread.referral.follow_ups.len(), 1);
    let steps: Vec<(ReferralStatus, &str)> = thread
        .steps
        .iter()
        .map(|s| (s.status, s.by.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (ReferralStatus::Proposed, "Nadia"),
            (ReferralStatus::Accepted, "Paul"),
            (ReferralStatus::Completed, "Paul"),
        ]
    );
    assert_eq!(thread.messages.len(), 1);
    assert_eq!(thread.messages[0].by, "Paul");
    assert!(!thread.messages[0].mine);
    let sam_thread = n.nadia.nb.referral_thread(to_sam).expect("thread");
    assert_eq!(sam_thread.referral.status, ReferralStatus::Declined);
    assert_eq!(
        sam_thread.steps.last().and_then(|s| s.note.as_deref()),
        Some("Plus de place avant mars")
    );
    let detail = n.nadia.nb.person_detail(lea).expect("page");
    assert_eq!(detail.referrals[0].result, Some(ReferralOutcome::Received));
    // In her review inbox: Paul's changes to both referrals, named by the
    // persons they are for.
    let inbox = n
        .nadia
        .nb
        .inbox(
            &carnet_client::InboxFilter {
                author: Some(paul.nb.member()),
                kind: Some(RecordKind::Referral),
                ..Default::default()
            },
            20,
            0,
        )
        .expect("inbox");
    let titles: BTreeSet<&str> = inbox.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, BTreeSet::from(["P-Léa", "P-Sam"]), "{inbox:?}");
    assert!(inbox.items.iter().all(|i| i.kind == RecordKind::Referral
        && i.by.iter().any(|b| b.author == Some(paul.nb.member()))));

    // A message naming a person who shares nothing is refused; by the
    // pseudonym it goes.
    let named = n
        .nadia
        .nb
        .post_referral_message(to_sam, "Samuel passera jeudi");
    assert!(
        matches!(named, Err(ref e @ ClientError::NamesPerson) if e.to_string().contains("pseudonym")),
        "{named:?}"
    );
    let by_phone = n
        .nadia
        .nb
        .post_referral_message(to_sam, "Appelez le (514) 555-0142");
    assert!(
        matches!(by_phone, Err(ClientError::NamesPerson)),
        "the phone names them too: {by_phone:?}"
    );
    n.nadia
        .nb
        .post_referral_message(to_sam, "P-Sam peut-il revenir en mars ?")
        .expect("by pseudonym");
    n.nadia.sync().expect("sync");
    paul.sync().expect("sync");
    let sam_on_paul = paul.nb.referral_thread(to_sam).expect("thread");
    assert_eq!(sam_on_paul.messages.len(), 1);
    assert_eq!(sam_on_paul.messages[0].by, "Nadia");

    // Léa withdraws her consent to sharing: the name leaves the
    // referral, then (rewritten by the coordinator) its history too.
    let effects = n
        .nadia
        .nb
        .record_consent(
            lea,
            ConsentPurpose::SharingWithPartners,
            false,
            ConsentMethod::Verbal,
        )
        .expect("withdrawal");
    assert_eq!(effects.referrals_unshared, 1);
    n.nadia.sync().expect("sync");
    paul.sync().expect("sync");
    let now = paul.nb.referral_thread(to_lea).expect("thread");
    assert!(now.identity.is_none());
    assert!(!now.referral.share_identity);
    n.aline.sync().expect("sync");
    let new_lea = n.aline.nb.rewrite_person(lea).expect("rewrite");
    let client = carnet_client::sync::engine::server_client(&n.aline.nb).expect("client");
    for id in n.aline.nb.erasure_set(lea).expect("set") {
        common::rt()
            .block_on(client.erase(id, "consent withdrawn"))
            .expect("erase");
    }
    n.aline.sync().expect("sync");
    paul.sync().expect("sync");
    assert!(
        !held(&paul).contains(&record_id(to_lea)),
        "the old referral is erased"
    );
    let copies = paul.nb.addressed_referrals().expect("inbox");
    assert_eq!(copies.len(), 2, "Léa's referral, rewritten, and Sam's");
    let copy = copies
        .iter()
        .find(|t| t.pseudonym == "P-Léa")
        .expect("copy");
    assert_eq!(copy.person, new_lea);
    assert_eq!(copy.referral.result, Some(ReferralOutcome::Received));
    // The copy has no history before the rewrite: one change, Aline's,
    // made after the name was gone.
    let history = paul.nb.history(record_id(copy.id)).expect("history");
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].author_name.as_deref(), Some("Aline"));
}

/// A change to a record as stored on the server, signed by `member`.
fn forged(
    server: &TestServer,
    id: RecordId,
    member: MemberId,
    edit: impl FnOnce(&mut Record),
) -> PushRecord {
    let mut doc = server_doc(server, id);
    let heads = doc.heads();
    let (_, changes) = doc
        .edit::<_, carnet_core::CoreError>(
            &Actor::new(member, *b"forged!!"),
            Timestamp::now(),
            &Codebook::any(),
            |r| {
                edit(r);
                Ok(())
            },
        )
        .expect("edit");
    PushRecord {
        id,
        kind: doc.kind(),
        heads: encode_heads(&heads),
        changes,
    }
}

fn referral_of(r: &mut Record) -> &mut carnet_core::record::ReferralRecord {
    match r {
        Record::Referral(x) => x,
        other => panic!("not a referral: {other:?}"),
    }
}

#[test]
fn a_partners_forged_requests_are_refused_and_change_nothing() {
    let mut n = network();
    let lea = person(&mut n.nadia.nb, "P-Léa", "Léa Fortin", false);
    let mine = refer(&mut n.nadia.nb, lea, n.pantry, false);
    let theirs = refer(&mut n.nadia.nb, lea, n.lodging, false);
    let note = n
        .nadia
        .nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Au parc".into(),
            ..NoteInput::default()
        })
        .expect("note");
    n.nadia.sync().expect("sync");
    let paul = Device::join(
        &n.server,
        &n.server.partner_invite(&n.team, n.carrefour),
        "Paul",
        64,
    );
    let me = paul.nb.member();
    let nadia = n.nadia.nb.member();
    let token = paul.nb.membership().expect("meta").expect("joined").token;
    let url = format!("{}/v1/sync", n.server.url);
    let before = stored(&n.server);

    let attempts: Vec<(&str, PushRecord)> = vec![
        (
            "another organisation's referral",
            forged(&n.server, record_id(theirs), me, |r| {
                referral_of(r).referral.status = ReferralStatus::Accepted;
            }),
        ),
        (
            "a note",
            forged(&n.server, note, me, |r| {
                if let Record::Note(x) = r {
                    x.title = "Changé".into();
                }
            }),
        ),
        (
            "a person",
            forged(&n.server, lea, me, |r| {
                if let Record::Person(p) = r {
                    p.pseudonym = "X".into();
                }
            }),
        ),
        (
            "its referral sent to another organisation",
            forged(&n.server, record_id(mine), me, |r| {
                referral_of(r).referral.resource_id = Some(n.maison);
            }),
        ),
        (
            "the person's pseudonym on its referral",
            forged(&n.server, record_id(mine), me, |r| {
                referral_of(r).pseudonym = "Quelqu'un".into();
            }),
        ),
        (
            "a step in the link worker's name",
            forged(&n.server, record_id(mine), me, |r| {
                let x = referral_of(r);
                let mut step = x.referral.history[0].clone();
                step.id = "01a20000-0000-7000-8000-000000000078".parse().expect("id");
                step.by = nadia;
                x.referral.history.push(step);
            }),
        ),
        (
            "the link worker's note rewritten",
            forged(&n.server, record_id(mine), me, |r| {
                referral_of(r).referral.history[0].note = Some("Rien".into());
            }),
        ),
    ];
    for (what, push) in attempts {
        let id = push.id;
        let a = post(&url, Some(&token), "application/cbor", sync_req(vec![push]));
        assert_eq!(a.status, 200, "{what}: {}", a.message);
        let resp: SyncResponse = decode(&a.body).expect("cbor");
        assert_eq!(resp.rejected.len(), 1, "{what} is refused");
        assert_eq!(resp.rejected[0].id, id);
        assert_eq!(resp.rejected[0].code, RejectCode::Forbidden, "{what}");
        assert!(resp.rejected[0].reason.len() > 20, "{what}: a sentence");
        if id != record_id(mine) {
            assert!(
                resp.records.iter().all(|r| r.id != id),
                "{what}: nothing of it is sent back"
            );
        }
    }
    // A new record of any kind.
    let new_id: RecordId = "01a20000-0000-7000-8000-000000000077".parse().expect("id");
    let doc = server_doc(&n.server, record_id(mine));
    let record = doc.record().expect("record");
    let created = RecordDoc::create(
        new_id,
        &record,
        &Codebook::any(),
        &Actor::new(me, *b"forged!!"),
        Timestamp::now(),
    )
    .expect("create")
    .changes_since(&[]);
    let a = post(
        &url,
        Some(&token),
        "application/cbor",
        sync_req(vec![PushRecord {
            id: new_id,
            kind: RecordKind::Referral,
            heads: vec![],
            changes: created,
        }]),
    );
    let resp: SyncResponse = decode(&a.body).expect("cbor");
    assert_eq!(resp.rejected.len(), 1);
    assert_eq!(resp.rejected[0].code, RejectCode::Forbidden);
    // Asking for whole records it may not see gives nothing.
    let want = carnet_core::sync::protocol::SyncRequest {
        protocol: carnet_core::sync::protocol::PROTOCOL_VERSION,
        cursor: 0,
        last_answer: 0,
        push: vec![],
        want_full: vec![record_id(theirs), note, lea, record_id(mine)],
    };
    let a = post(
        &url,
        Some(&token),
        "application/cbor",
        carnet_core::sync::protocol::encode(&want),
    );
    let resp: SyncResponse = decode(&a.body).expect("cbor");
    let sent: BTreeSet<RecordId> = resp.records.iter().map(|r| r.id).collect();
    assert!(sent.contains(&record_id(mine)));
    for hidden in [record_id(theirs), note, lea] {
        assert!(
            !sent.contains(&hidden),
            "{hidden} is not sent to the partner"
        );
    }
    assert_eq!(stored(&n.server), before, "nothing stored changed");
}
