//! Ids. Every record, member and list item (story, comment, referral…) is
//! identified by a UUIDv7, so ids sort by creation time and never collide
//! between offline devices. Id generation is injected ([`IdGen`]) so tests
//! and the demo generator are deterministic.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::time_types::Timestamp;

/// A source of fresh UUIDv7 values.
pub trait IdGen: Send + Sync + fmt::Debug {
    /// A new UUIDv7 for the given moment.
    fn next_uuid(&self, at: Timestamp) -> Uuid;
}

/// Random ids from the operating system's generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemIds;

impl IdGen for SystemIds {
    fn next_uuid(&self, at: Timestamp) -> Uuid {
        let mut bytes = [0u8; 10];
        rand::thread_rng().fill_bytes(&mut bytes);
        uuid::Builder::from_unix_timestamp_millis(at.as_millis().max(0) as u64, &bytes).into_uuid()
    }
}

/// Deterministic ids from a seed.
#[derive(Debug)]
pub struct SeededIds(Mutex<ChaCha8Rng>);

impl SeededIds {
    /// A generator that always yields the same sequence for the same seed.
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(ChaCha8Rng::seed_from_u64(seed)))
    }
}

impl IdGen for SeededIds {
    fn next_uuid(&self, at: Timestamp) -> Uuid {
        let mut bytes = [0u8; 10];
        match self.0.lock() {
            Ok(mut rng) => rng.fill_bytes(&mut bytes),
            Err(poisoned) => poisoned.into_inner().fill_bytes(&mut bytes),
        }
        uuid::Builder::from_unix_timestamp_millis(at.as_millis().max(0) as u64, &bytes).into_uuid()
    }
}

/// Why an id could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("'{text}' is not a valid {what} id (expected a UUID such as 0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7d)")]
pub struct IdParseError {
    text: String,
    what: &'static str,
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id from the generator.
            pub fn generate(ids: &dyn IdGen, at: Timestamp) -> Self {
                Self(ids.next_uuid(at))
            }
            /// Wrap an existing UUID.
            pub const fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }
            /// The underlying UUID.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
            /// The 16 bytes of the UUID.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| IdParseError { text: s.chars().take(80).collect(), what: $what })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0.hyphenated())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
                self.to_string().reconcile(reconciler)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                s.parse().map_err(|e: IdParseError| HydrateError::unexpected("a UUID", e.to_string()))
            }
        }
    };
}

uuid_id!(
    /// The id of a record (workspace, note, person, resource or place).
    RecordId,
    "record"
);
uuid_id!(
    /// The id of a team member: the author of changes.
    MemberId,
    "member"
);
uuid_id!(
    /// The id of an item inside a record: a shadowing entry, a story, a
    /// comment, a consent, a referral, a follow-up, a service.
    ItemId,
    "item"
);
uuid_id!(
    /// The id of a team on a sync server.
    TeamId,
    "team"
);
uuid_id!(
    /// The id of a device on a sync server: each laptop that joined a team,
    /// with its own token.
    DeviceId,
    "device"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_deterministic_and_version_7() {
        let a = SeededIds::new(7);
        let b = SeededIds::new(7);
        let t = Timestamp::from_millis(1_700_000_000_000);
        let (x, y) = (RecordId::generate(&a, t), RecordId::generate(&b, t));
        assert_eq!(x, y, "same seed, same id");
        assert_eq!(x.as_uuid().get_version_num(), 7);
        assert_ne!(RecordId::generate(&a, t), x, "the sequence moves on");
    }

    #[test]
    fn bad_ids_say_what_was_expected() {
        let err = "not-an-id".parse::<RecordId>().expect_err("must fail");
        assert!(err.to_string().contains("not a valid record id"), "{err}");
    }
}
