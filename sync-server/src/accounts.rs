//! Invitation codes and device tokens.
//!
//! Codes are 12 characters of Crockford base32 in three groups
//! (`7K4M-Q2PX-9TRC`): short enough to read aloud, with no I, L, O or U to
//! confuse. Tokens are 32 random bytes, stored as their SHA-256 hash: 256
//! random bits cannot be found back from it. A code has only 60 bits, few
//! enough that a copy of the database could be searched for the codes
//! still valid; so a code is stored as an HMAC-SHA-256 under the server's
//! own key ([`CodeKey`], in `server.key` beside the database, never in
//! it): the database alone, a dump or a backup of it, can neither join
//! nor impersonate a device.

use rand::RngCore;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh invitation code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % 32] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// A code as typed, normalised: case, spaces and dashes ignored, and the
/// letters people confuse with digits read as those digits.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The key invitation codes are hashed with.
#[derive(Clone)]
pub struct CodeKey(Vec<u8>);

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(..)")
    }
}

/// The key's file, beside the database.
pub const KEY_FILE: &str = "server.key";

impl CodeKey {
    /// The key of the data directory `dir`, created (random, readable by
    /// its owner alone) the first time.
    pub fn of_dir(dir: &std::path::Path) -> std::io::Result<Self> {
        Self::of_file(&dir.join(KEY_FILE))
    }

    /// The key kept in `path`, created (random, readable by its owner
    /// alone) the first time. Every instance of a server on one
    /// PostgreSQL database is given the same file.
    pub fn of_file(path: &std::path::Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) if bytes.len() >= 32 => return Ok(Self(bytes)),
            Ok(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is too short to be this server's key", path.display()),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut key = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        use std::io::Write;
        // Written whole beside it, then linked in place (which fails if
        // the file appeared meanwhile): instances starting together with
        // the same file all read one key, never a half-written one.
        let fresh = path.with_extension(format!("new-{:016x}", rand::random::<u64>()));
        let mut file = options.open(&fresh)?;
        file.write_all(&key)?;
        file.sync_all()?;
        drop(file);
        let linked = std::fs::hard_link(&fresh, path);
        let _ = std::fs::remove_file(&fresh);
        match linked {
            Ok(()) => Ok(Self(key)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::of_file(path),
            Err(e) => Err(e),
        }
    }

    /// The stored hash of a code as typed.
    pub fn code_hash(&self, typed: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0);
        hex::encode(ring::hmac::sign(&key, normalise_code(typed).as_bytes()).as_ref())
    }
}

/// The hash codes were stored with before they were keyed (read only, so
/// that codes made by an older server still join until they expire).
pub fn legacy_code_hash(typed: &str) -> String {
    hash(&normalise_code(typed))
}

/// A fresh device token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256, hex.
pub fn hash(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_aloud_and_tolerate_typing() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert!(!code.contains(['I', 'L', 'O', 'U']));
        let dir = tempfile::tempdir().expect("dir");
        let key = CodeKey::of_dir(dir.path()).expect("key");
        assert_eq!(
            key.code_hash(&code),
            key.code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(key.code_hash(&code), legacy_code_hash(&code));
        let again = CodeKey::of_dir(dir.path()).expect("the same key");
        assert_eq!(again.code_hash(&code), key.code_hash(&code));
        assert_eq!(normalise_code("o1l-i"), "0111");
        assert_ne!(new_code(), new_code());
    }
}
