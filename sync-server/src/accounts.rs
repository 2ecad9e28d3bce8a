//! Invitation codes and device tokens.
//!
//! Codes are 12 characters of Crockford base32 in three groups
//! (`7K4M-Q2PX-9TRC`): short enough to read aloud, with no I, L, O or U to
//! confuse. Tokens are 32 random bytes. Both are stored only as SHA-256
//! hashes, so the server's files alone cannot join or impersonate a device.

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

/// The stored hash of a code.
pub fn code_hash(typed: &str) -> String {
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
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_eq!(normalise_code("o1l-i"), "0111");
        assert_ne!(new_code(), new_code());
    }
}
