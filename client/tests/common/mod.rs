//! Helpers shared by the client's integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use carnet_client::{Environment, NoteInput, Notebook, PersonInput, ReferralInput};
use carnet_core::vocab::{Method, NeedCategory};
use carnet_core::{FixedClock, ItemId, RecordId, SeededIds, Timestamp};

/// A deterministic environment: a clock starting on 2026-11-20 that moves
/// one second per reading, and seeded ids.
pub fn env(seed: u64) -> Environment {
    let start: Timestamp = "2026-11-20T14:00:00Z".parse().expect("valid");
    Environment {
        clock: Arc::new(FixedClock::new(start, 1000)),
        ids: Arc::new(SeededIds::new(seed)),
        unlock: Default::default(),
    }
}

/// The notebook's database in `dir`, decrypted, for tests that read or
/// damage the file itself.
pub fn raw_db(dir: &std::path::Path) -> rusqlite::Connection {
    carnet_client::store::keys::raw_connection(dir, &Default::default()).expect("decrypted")
}

/// A fresh notebook in a temporary directory (kept alive by the guard).
pub fn notebook(seed: u64) -> (tempfile::TempDir, Notebook) {
    let dir = tempfile::tempdir().expect("temp dir");
    let nb =
        Notebook::create(dir.path(), "Pôle Montréal-Nord", "Aline", env(seed)).expect("create");
    (dir, nb)
}

/// A note input with a method, a title and a body.
pub fn note(method: Method, title: &str, body: &str) -> NoteInput {
    NoteInput {
        method: Some(method),
        title: title.into(),
        body: Some(body.into()),
        ..NoteInput::default()
    }
}

/// A person known by `pseudonym`, referred to `service` for `need` (with
/// an optional note): the person's id and the referral's.
pub fn referred(
    nb: &mut Notebook,
    pseudonym: &str,
    service: &str,
    need: NeedCategory,
    note: Option<&str>,
) -> (RecordId, ItemId) {
    let person = nb
        .create_person(PersonInput {
            pseudonym: pseudonym.into(),
            ..Default::default()
        })
        .expect("person");
    let referral = nb
        .add_referral(
            person,
            ReferralInput {
                service: service.into(),
                resource_id: None,
                service_id: None,
                need,
                note: note.map(str::to_string),
                status: None,
                share_identity: false,
            },
        )
        .expect("referral");
    (person, referral)
}

/// A PDF's text, as `pdftotext -layout` reads it.
pub fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}
