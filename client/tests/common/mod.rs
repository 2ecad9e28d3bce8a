//! Helpers shared by the client's integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use carnet_client::{Environment, NoteInput, Notebook};
use carnet_core::vocab::Method;
use carnet_core::{FixedClock, SeededIds, Timestamp};

/// A deterministic environment: a clock starting on 2026-11-20 that moves
/// one second per reading, and seeded ids.
pub fn env(seed: u64) -> Environment {
    let start: Timestamp = "2026-11-20T14:00:00Z".parse().expect("valid");
    Environment {
        clock: Arc::new(FixedClock::new(start, 1000)),
        ids: Arc::new(SeededIds::new(seed)),
    }
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
