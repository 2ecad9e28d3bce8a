//! Encryption at rest: each notebook's database (and its write-ahead log)
//! is encrypted by SQLCipher with a random 256-bit data key of its own.
//! The data key is never on the disk in clear: `notebook.key`, beside the
//! database, holds it sealed (ChaCha20-Poly1305) by a wrapping key that
//! comes either from the desktop's secret store (Secret Service: opening
//! is silent) or from a passphrase the person chose (Argon2id). Changing
//! the passphrase seals the same data key again: the data is not
//! re-encrypted.
//!
//! Forgetting the passphrase loses the notebook: nothing here can open
//! it again. A backup, or the team's server, is the way back.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{ClientError, Result};

/// The file, beside the database, that holds the sealed data key.
pub const KEY_FILE: &str = "notebook.key";

/// The secret store's service name for Carnet's wrapping keys.
const SERVICE: &str = "Carnet";

/// Argon2id's cost for a passphrase: 64 MiB of memory, 3 passes, one
/// lane (RFC 9106's second recommended choice, with one lane for the
/// laptops our users carry): a third of a second here.
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id's passes.
pub const ARGON2_ITERATIONS: u32 = 3;
/// Argon2id's lanes.
pub const ARGON2_PARALLELISM: u32 = 1;

/// The shortest passphrase a person may choose.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// SQLCipher 4's settings but one: each page is authenticated with
/// HMAC-SHA256 rather than HMAC-SHA512, which this kind of processor
/// computes twice as fast (SHA extensions); reading pages cost the
/// synthesis and the passage view several times their time otherwise.
/// Set as the process's defaults before every key, so the notebook, a
/// copy being encrypted and a backup's copy all agree.
pub(crate) const CIPHER_DEFAULTS: &str = "PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256;";

/// How a notebook's data key is unlocked.
#[derive(Clone, Default)]
pub enum Unlock {
    /// The desktop's secret store holds the wrapping key.
    #[default]
    SecretStore,
    /// A passphrase the person chose.
    Passphrase(Passphrase),
}

impl fmt::Debug for Unlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SecretStore => f.write_str("Unlock::SecretStore"),
            Self::Passphrase(_) => f.write_str("Unlock::Passphrase(…)"),
        }
    }
}

/// A passphrase, wiped from memory when the last copy is dropped.
#[derive(Clone)]
pub struct Passphrase(Arc<Zeroizing<String>>);

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    /// A passphrase as typed (to unlock: any non-empty one is tried).
    pub fn new(text: impl Into<String>) -> Result<Self> {
        let text = Zeroizing::new(text.into());
        if text.is_empty() {
            return Err(ClientError::BadInput("the passphrase is empty".into()));
        }
        Ok(Self(Arc::new(text)))
    }

    /// A new passphrase a person chooses: long enough to resist guessing.
    pub fn choose(text: impl Into<String>) -> Result<Self> {
        Self::new(text)?.as_new()
    }

    /// This passphrase, checked as a new one ([`Passphrase::choose`]).
    pub fn as_new(self) -> Result<Self> {
        let p = self;
        if p.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(ClientError::BadInput(format!(
                "a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters; a few words are easier to remember than a short password"
            )));
        }
        Ok(p)
    }

    /// The passphrase in a file (its first line; for scripts).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(ClientError::io(
            format!("could not read the passphrase file {}", path.display()),
        ))?);
        Self::new(text.lines().next().unwrap_or_default())
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A notebook's data key, in memory only while the notebook is open.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        random(key.as_mut())?;
        Ok(Self(key))
    }

    /// Give the key to a SQLCipher connection (a raw key: no key
    /// derivation at each opening), as its first statement.
    pub(crate) fn apply(&self, conn: &Connection, schema: &str) -> Result<()> {
        let sql = Zeroizing::new(format!(
            "{CIPHER_DEFAULTS} PRAGMA {schema}.key = \"x'{}'\"",
            hex::encode(self.0.as_ref())
        ));
        conn.execute_batch(&sql)?;
        Ok(())
    }

    /// The key's bytes, for tools that read the file below SQLCipher (the
    /// test that looks for an erased record in every decrypted page).
    #[doc(hidden)]
    pub fn bytes_for_audit(&self) -> &[u8; 32] {
        &self.0
    }

    /// The statement that attaches `path` encrypted with this key.
    pub(crate) fn attach(&self, conn: &Connection, path: &Path, schema: &str) -> Result<()> {
        conn.execute_batch(CIPHER_DEFAULTS)?;
        let sql = Zeroizing::new(format!(
            "ATTACH DATABASE ?1 AS {schema} KEY \"x'{}'\"",
            hex::encode(self.0.as_ref())
        ));
        conn.execute(&sql, [path.to_string_lossy()])?;
        Ok(())
    }
}

/// How a notebook is protected, as `carnet check` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Protection {
    /// Encrypted, its key kept by the desktop's secret store.
    SecretStore,
    /// Encrypted, its key sealed by a passphrase.
    Passphrase,
    /// Not encrypted yet (a notebook of an earlier Carnet, converted when
    /// it is next opened).
    Plain,
}

/// The sealed data key, as stored in [`KEY_FILE`].
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    /// This file's format.
    format: u32,
    /// A random name for this notebook's key (the secret store's account,
    /// and part of what the seal authenticates).
    notebook: String,
    /// What seals the data key.
    sealed_by: SealedBy,
    /// The seal's nonce, hex.
    nonce: String,
    /// The sealed data key and its tag, hex.
    key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum SealedBy {
    /// A wrapping key in the secret store, under this account.
    SecretStore { account: String },
    /// A key derived from a passphrase with Argon2id.
    Passphrase {
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
        /// Hex.
        salt: String,
    },
}

fn random(out: &mut [u8]) -> Result<()> {
    SystemRandom::new()
        .fill(out)
        .map_err(|_| ClientError::Internal("the system gave no random bytes".into()))
}

fn damaged(path: &Path, why: &str) -> ClientError {
    ClientError::NotANotebook {
        path: path.to_path_buf(),
        reason: format!("its key file is damaged: {why}"),
    }
}

/// Whether the database file at `path` is encrypted (a plain SQLite file
/// begins with its format's name; an encrypted one with random bytes).
pub fn is_plain(path: &Path) -> Result<bool> {
    let (read, header) = file_header(path)?;
    Ok(read == 16 && &header == PLAIN_HEADER)
}

/// How a plain SQLite database begins.
pub(crate) const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The first 16 bytes of the file at `path`, and how many there were.
pub(crate) fn file_header(path: &Path) -> Result<(usize, [u8; 16])> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(ClientError::io(format!(
        "could not open {}",
        path.display()
    )))?;
    let read = file.read(&mut header).map_err(ClientError::io(format!(
        "could not read {}",
        path.display()
    )))?;
    Ok((read, header))
}

/// How the notebook in `dir` is protected.
pub fn protection(dir: &Path) -> Result<Protection> {
    if is_plain(&dir.join(super::DB_FILE))? {
        return Ok(Protection::Plain);
    }
    Ok(match read_key_file(dir)?.sealed_by {
        SealedBy::SecretStore { .. } => Protection::SecretStore,
        SealedBy::Passphrase { .. } => Protection::Passphrase,
    })
}

/// Whether `dir` holds a key file.
pub(crate) fn has_key_file(dir: &Path) -> bool {
    dir.join(KEY_FILE).exists()
}

fn read_key_file(dir: &Path) -> Result<KeyFile> {
    let path = dir.join(KEY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ClientError::NotANotebook {
                path: dir.join(super::DB_FILE),
                reason: format!(
                    "it is not a SQLite database, or it is an encrypted notebook whose key file ({KEY_FILE}) is missing beside it"
                ),
            })
        }
        Err(e) => {
            return Err(ClientError::Io {
                context: format!("could not read {}", path.display()),
                source: e,
            })
        }
    };
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(&path, &e.to_string()))?;
    if file.format != 1 {
        return Err(ClientError::NewerFormat(i64::from(file.format)));
    }
    Ok(file)
}

/// Write the key file whole or not at all: a new file, synced, renamed
/// over the old one, and the directory synced.
fn write_key_file(dir: &Path, file: &KeyFile) -> Result<()> {
    let path = dir.join(KEY_FILE);
    let temp = dir.join(format!("{KEY_FILE}.new"));
    let io = |what: &str| ClientError::io(format!("could not {what} {}", path.display()));
    {
        let mut f = std::fs::File::create(&temp).map_err(io("write"))?;
        let json =
            serde_json::to_vec_pretty(file).map_err(|e| ClientError::Internal(e.to_string()))?;
        f.write_all(&json).map_err(io("write"))?;
        f.sync_all().map_err(io("sync"))?;
    }
    std::fs::rename(&temp, &path).map_err(io("replace"))?;
    sync_dir(dir)
}

/// Make a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(ClientError::io(format!("could not sync {}", dir.display())))
}

fn aad(notebook: &str) -> Vec<u8> {
    format!("carnet notebook key 1 {notebook}").into_bytes()
}

fn seal(wrapping: &[u8; 32], notebook: &str, key: &DataKey) -> Result<(String, String)> {
    let mut nonce = [0u8; aead::NONCE_LEN];
    random(&mut nonce)?;
    let sealer = LessSafeKey::new(
        UnboundKey::new(&CHACHA20_POLY1305, wrapping)
            .map_err(|_| ClientError::Internal("a wrapping key of the wrong size".into()))?,
    );
    let mut data = key.0.to_vec();
    sealer
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(notebook)),
            &mut data,
        )
        .map_err(|_| ClientError::Internal("sealing the notebook's key failed".into()))?;
    Ok((hex::encode(nonce), hex::encode(data)))
}

/// Open the seal; `None` when the wrapping key is not the right one.
fn open_seal(wrapping: &[u8; 32], path: &Path, file: &KeyFile) -> Result<Option<DataKey>> {
    let nonce: [u8; aead::NONCE_LEN] = hex::decode(&file.nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| damaged(path, "its nonce does not read"))?;
    let mut data = Zeroizing::new(
        hex::decode(&file.key).map_err(|_| damaged(path, "its sealed key does not read"))?,
    );
    let opener = LessSafeKey::new(
        UnboundKey::new(&CHACHA20_POLY1305, wrapping)
            .map_err(|_| ClientError::Internal("a wrapping key of the wrong size".into()))?,
    );
    let Ok(plain) = opener.open_in_place(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad(&file.notebook)),
        data.as_mut_slice(),
    ) else {
        return Ok(None);
    };
    let key: [u8; 32] = plain
        .try_into()
        .map_err(|_| damaged(path, "its key has the wrong size"))?;
    Ok(Some(DataKey(Zeroizing::new(key))))
}

fn derive(passphrase: &Passphrase, sealed: &SealedBy) -> Result<Zeroizing<[u8; 32]>> {
    let SealedBy::Passphrase {
        memory_kib,
        iterations,
        parallelism,
        salt,
    } = sealed
    else {
        return Err(ClientError::Internal("not sealed by a passphrase".into()));
    };
    let salt = hex::decode(salt)
        .map_err(|_| ClientError::BadInput("the key file's salt does not read".into()))?;
    let params = argon2::Params::new(*memory_kib, *iterations, *parallelism, Some(32))
        .map_err(|e| ClientError::BadInput(format!("the key file's Argon2 costs: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.bytes(), &salt, out.as_mut())
        .map_err(|e| ClientError::Internal(format!("Argon2id failed: {e}")))?;
    Ok(out)
}

/// `op` on the secret store's entry for `account`, tried a second time
/// with a new connection when the store failed to answer: the Secret
/// Service is started on demand by the desktop session, so a daemon that
/// stopped or restarted (a crash, a session being set up) answers the
/// second call. A missing entry or a refusal is not tried again.
fn with_secret<T>(account: &str, op: impl Fn(&keyring::Entry) -> keyring::Result<T>) -> Result<T> {
    let attempt = || keyring::Entry::new(SERVICE, account).and_then(|entry| op(&entry));
    match attempt() {
        Err(keyring::Error::PlatformFailure(_)) => attempt().map_err(|e| secret_store_error(&e)),
        other => other.map_err(|e| secret_store_error(&e)),
    }
}

fn secret_store_error(e: &keyring::Error) -> ClientError {
    match e {
        keyring::Error::NoEntry => ClientError::NoSecretStore(
            "the desktop's secret store holds no key for this notebook (was it made in another session or on another computer?); restore it from a backup or join the team again".into(),
        ),
        other => ClientError::NoSecretStore(format!(
            "the desktop's secret store did not answer ({other}); unlock it, or choose a passphrase instead (--passphrase-file FILE, or CARNET_PASSPHRASE)"
        )),
    }
}

/// Seal `key` as `unlock` says, as a new key file's content.
fn sealed(key: &DataKey, notebook: &str, unlock: &Unlock) -> Result<KeyFile> {
    let (sealed_by, wrapping) = match unlock {
        Unlock::SecretStore => {
            let account = format!("notebook-{notebook}");
            let mut wrapping = Zeroizing::new([0u8; 32]);
            random(wrapping.as_mut())?;
            with_secret(&account, |entry| entry.set_secret(wrapping.as_ref()))?;
            (SealedBy::SecretStore { account }, wrapping)
        }
        Unlock::Passphrase(p) => {
            let mut salt = [0u8; 16];
            random(&mut salt)?;
            let sealed_by = SealedBy::Passphrase {
                memory_kib: ARGON2_MEMORY_KIB,
                iterations: ARGON2_ITERATIONS,
                parallelism: ARGON2_PARALLELISM,
                salt: hex::encode(salt),
            };
            let wrapping = derive(p, &sealed_by)?;
            (sealed_by, wrapping)
        }
    };
    let (nonce, sealed_key) = seal(&wrapping, notebook, key)?;
    Ok(KeyFile {
        format: 1,
        notebook: notebook.to_string(),
        sealed_by,
        nonce,
        key: sealed_key,
    })
}

/// A new data key for the notebook in `dir`, sealed as `unlock` says
/// and written to its key file.
pub(crate) fn create(dir: &Path, unlock: &Unlock) -> Result<DataKey> {
    let key = DataKey::generate()?;
    let mut id = [0u8; 16];
    random(&mut id)?;
    write_key_file(dir, &sealed(&key, &hex::encode(id), unlock)?)?;
    Ok(key)
}

/// The data key of the notebook in `dir`. A notebook sealed by a
/// passphrase needs one ([`ClientError::Locked`] without); a notebook
/// sealed by the secret store opens from it whatever `unlock` says.
pub fn unlock(dir: &Path, unlock: &Unlock) -> Result<DataKey> {
    unseal(&read_key_file(dir)?, unlock, &dir.join(KEY_FILE))
}

/// The data key a seal holds (read from `path`, for messages).
fn unseal(file: &KeyFile, unlock: &Unlock, path: &Path) -> Result<DataKey> {
    let wrapping = match (&file.sealed_by, unlock) {
        (SealedBy::SecretStore { account }, _) => {
            let secret = Zeroizing::new(with_secret(account, keyring::Entry::get_secret)?);
            let wrapping: [u8; 32] = secret.as_slice().try_into().map_err(|_| {
                ClientError::NoSecretStore(
                    "the secret store's key for this notebook has the wrong size".into(),
                )
            })?;
            Zeroizing::new(wrapping)
        }
        (SealedBy::Passphrase { .. }, Unlock::SecretStore) => return Err(ClientError::Locked),
        (sealed @ SealedBy::Passphrase { .. }, Unlock::Passphrase(p)) => derive(p, sealed)?,
    };
    match open_seal(&wrapping, path, file)? {
        Some(key) => Ok(key),
        None => match file.sealed_by {
            SealedBy::Passphrase { .. } => Err(ClientError::WrongPassphrase),
            SealedBy::SecretStore { .. } => {
                Err(damaged(path, "the secret store's key does not open it"))
            }
        },
    }
}

/// `key` sealed as `unlock` says, as the text of a key file (a backup
/// carries one).
pub(crate) fn sealed_text(key: &DataKey, unlock: &Unlock) -> Result<String> {
    let mut id = [0u8; 16];
    random(&mut id)?;
    serde_json::to_string_pretty(&sealed(key, &hex::encode(id), unlock)?)
        .map_err(|e| ClientError::Internal(e.to_string()))
}

/// The key file of the notebook in `dir`, as text.
pub(crate) fn key_file_text(dir: &Path) -> Result<String> {
    serde_json::to_string_pretty(&read_key_file(dir)?)
        .map_err(|e| ClientError::Internal(e.to_string()))
}

/// Whether a key file's text is sealed by a passphrase.
pub(crate) fn text_needs_passphrase(text: &str, path: &Path) -> Result<bool> {
    let file: KeyFile = serde_json::from_str(text).map_err(|e| damaged(path, &e.to_string()))?;
    Ok(matches!(file.sealed_by, SealedBy::Passphrase { .. }))
}

/// The data key sealed in a key file's `text` (a backup's), read from
/// `path` (for messages).
pub(crate) fn unseal_text(text: &str, unlock: &Unlock, path: &Path) -> Result<DataKey> {
    let file: KeyFile = serde_json::from_str(text).map_err(|e| damaged(path, &e.to_string()))?;
    if file.format != 1 {
        return Err(ClientError::NewerFormat(i64::from(file.format)));
    }
    unseal(&file, unlock, path)
}

/// The file, beside the database, that holds the data key sealed by the
/// backup passphrase (so scheduled backups need no one to type it).
pub const BACKUP_KEY_FILE: &str = "backup.key";

/// Seal the data key of the notebook in `dir` (unlocked by `unlock`) by
/// a backup passphrase, for the backups made from now on.
pub fn set_backup_passphrase(dir: &Path, unlock: &Unlock, passphrase: &Passphrase) -> Result<()> {
    let key = self::unlock(dir, unlock)?;
    let text = sealed_text(&key, &Unlock::Passphrase(passphrase.clone()))?;
    let path = dir.join(BACKUP_KEY_FILE);
    let temp = dir.join(format!("{BACKUP_KEY_FILE}.new"));
    {
        let mut f = std::fs::File::create(&temp).map_err(ClientError::io(format!(
            "could not write {}",
            temp.display()
        )))?;
        f.write_all(text.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(ClientError::io(format!(
                "could not write {}",
                temp.display()
            )))?;
    }
    std::fs::rename(&temp, &path).map_err(ClientError::io(format!(
        "could not write {}",
        path.display()
    )))?;
    sync_dir(dir)
}

/// The backup seal of the notebook in `dir`, if a backup passphrase was set.
pub(crate) fn backup_seal(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(BACKUP_KEY_FILE)).ok()
}

/// Whether a backup passphrase was set for the notebook in `dir`.
pub fn has_backup_passphrase(dir: &Path) -> bool {
    dir.join(BACKUP_KEY_FILE).exists()
}

/// Write the key file of a restored notebook in `dir`: `key` sealed as
/// `unlock` says.
pub(crate) fn install(dir: &Path, key: &DataKey, unlock: &Unlock) -> Result<()> {
    let mut id = [0u8; 16];
    random(&mut id)?;
    write_key_file(dir, &sealed(key, &hex::encode(id), unlock)?)
}

/// Seal the notebook's data key anew: with a new passphrase, or in the
/// secret store. The data is not re-encrypted; the old seal stops working
/// (and a key the secret store kept for it is removed).
pub fn change(dir: &Path, current: &Unlock, new: &Unlock) -> Result<()> {
    let old = read_key_file(dir)?;
    let key = unlock(dir, current)?;
    let file = sealed(&key, &old.notebook, new)?;
    write_key_file(dir, &file)?;
    if let (SealedBy::SecretStore { account }, SealedBy::Passphrase { .. }) =
        (&old.sealed_by, &file.sealed_by)
    {
        // The new seal is written: a key left behind in the store only
        // costs a line there, so a store that fails here is not an error.
        let _ = with_secret(account, keyring::Entry::delete_credential);
    }
    Ok(())
}

/// A connection to the notebook's database in `dir`, decrypted, outside
/// the store: for tools and tests that read the file itself (a page
/// scan for traces of erased content, a deliberately damaged record).
pub fn raw_connection(dir: &Path, unlock: &Unlock) -> Result<Connection> {
    let path: PathBuf = dir.join(super::DB_FILE);
    let conn = Connection::open(&path)?;
    if !is_plain(&path)? {
        self::unlock(dir, unlock)?.apply(&conn, "main")?;
    }
    Ok(conn)
}
