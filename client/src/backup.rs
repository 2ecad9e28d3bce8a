//! Backups: a consistent copy of a notebook while it is in use, and its
//! restoration into an empty data directory.
//!
//! A backup file is `CARNETBK`, a format number, a JSON header (when it
//! was made, the team and member, the database's length and SHA-256, and
//! the notebook's data key sealed either by a backup passphrase, to
//! restore it anywhere, or as the notebook's own key file seals it), then
//! the database itself, copied page by page with SQLite's online backup
//! and still encrypted with the data key: no byte of it is ever in clear
//! on the disk. A file that is not a backup, or one truncated or altered,
//! is refused with a sentence before anything is written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ClientError, Result};
use crate::store::keys::{self, Unlock};
use crate::store::DB_FILE;
use crate::Passphrase;

const MAGIC: &[u8; 8] = b"CARNETBK";
const FORMAT: u32 = 1;
/// A header longer than this is not one of ours.
const MAX_HEADER: u32 = 64 * 1024;
/// Pages copied per step of the online backup.
const PAGES_PER_STEP: i32 = 512;

/// How far a backup or a restore is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupProgress {
    /// Steps done.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Steps in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// What a backup file says of itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupInfo {
    /// When it was made (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub made_at: i64,
    /// The team's name.
    pub team: String,
    /// The member whose notebook it is.
    pub member: String,
    /// Whether restoring it needs the backup's passphrase.
    pub needs_passphrase: bool,
    /// The database's size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub database_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    made_at: i64,
    team: String,
    member: String,
    database_bytes: u64,
    /// Hex SHA-256 of the database bytes that follow.
    sha256: String,
    /// The data key's seal: a key file's text.
    key: String,
}

impl Header {
    /// What the backup at `file` says of itself.
    fn info(&self, file: &Path) -> Result<BackupInfo> {
        Ok(BackupInfo {
            made_at: self.made_at,
            team: self.team.clone(),
            member: self.member.clone(),
            needs_passphrase: keys::text_needs_passphrase(&self.key, file)?,
            database_bytes: self.database_bytes,
        })
    }
}

fn io_at(path: &Path, what: &str) -> impl FnOnce(std::io::Error) -> ClientError {
    ClientError::io(format!("could not {what} {}", path.display()))
}

fn not_a_backup(path: &Path, why: &str) -> ClientError {
    ClientError::BadInput(format!(
        "{} is not a Carnet backup that can be restored ({why}); nothing was changed",
        path.display()
    ))
}

/// A file beside `path`, hidden, for work in progress.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "carnet".into());
    path.with_file_name(format!(".{name}.{suffix}"))
}

fn remove_quietly(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// The notebook a backup is made of.
pub(crate) struct Source<'a> {
    /// Its open connection (the copy reads through it).
    pub conn: &'a Connection,
    /// Its data directory.
    pub dir: &'a Path,
    /// How its key is unlocked.
    pub unlock: &'a Unlock,
    /// Now (ms since the epoch).
    pub made_at: i64,
    /// The team's name.
    pub team: String,
    /// The member's name.
    pub member: String,
}

/// Write a backup of `source` to `out` while it stays in use: whole or
/// not at all (written aside, synced, renamed). With `passphrase`, the
/// backup's key is sealed by it (to restore on another computer);
/// without, by the backup passphrase set for the notebook if there is
/// one, else as the notebook's own key is.
pub(crate) fn write(
    source: Source<'_>,
    out: &Path,
    passphrase: Option<&Passphrase>,
    mut progress: impl FnMut(BackupProgress),
) -> Result<BackupInfo> {
    {
        let key = keys::unlock(source.dir, source.unlock)?;
        let sealed = match (passphrase, keys::backup_seal(source.dir)) {
            (Some(p), _) => keys::sealed_text(&key, &Unlock::Passphrase(p.clone()))?,
            (None, Some(seal)) => seal,
            (None, None) => keys::key_file_text(source.dir)?,
        };
        let copy = beside(out, "db.partial");
        let partial = beside(out, "partial");
        let outcome = (|| {
            remove_quietly(&copy);
            {
                let mut dst = Connection::open(&copy)?;
                key.apply(&dst, "main")?;
                let backup = Backup::new(source.conn, &mut dst)?;
                // Another process writing to the notebook (the command
                // line while the app runs) restarts the copy at its next
                // step; after two restarts the rest is copied in one step,
                // under one read transaction, which writers do not wait for.
                let (mut last_remaining, mut restarts) = (i32::MAX, 0);
                loop {
                    let pages = if restarts >= 2 { -1 } else { PAGES_PER_STEP };
                    let step = backup.step(pages)?;
                    let p = backup.progress();
                    if p.remaining > last_remaining {
                        restarts += 1;
                    }
                    last_remaining = p.remaining;
                    let total = p.pagecount.max(1) as u64;
                    progress(BackupProgress {
                        done: total.saturating_sub(p.remaining.max(0) as u64),
                        total,
                    });
                    match step {
                        StepResult::Done => break,
                        StepResult::More => {}
                        _ => std::thread::sleep(std::time::Duration::from_millis(10)),
                    }
                }
            }
            // Streamed twice (its hash goes in the header before it), never
            // held whole in memory: a notebook is hundreds of megabytes.
            let (database_bytes, sha256) = hashed(
                std::fs::File::open(&copy).map_err(io_at(&copy, "read"))?,
                u64::MAX,
            )
            .map_err(io_at(&copy, "read"))?;
            let info = BackupInfo {
                made_at: source.made_at,
                team: source.team.clone(),
                member: source.member.clone(),
                needs_passphrase: keys::text_needs_passphrase(&sealed, source.dir)?,
                database_bytes,
            };
            let header = serde_json::to_vec(&Header {
                format: FORMAT,
                made_at: info.made_at,
                team: info.team.clone(),
                member: info.member.clone(),
                database_bytes,
                sha256,
                key: sealed,
            })
            .map_err(|e| ClientError::Internal(e.to_string()))?;
            {
                let mut f = std::fs::File::create(&partial).map_err(io_at(&partial, "write"))?;
                let mut head = Vec::with_capacity(16 + header.len());
                head.extend_from_slice(MAGIC);
                head.extend_from_slice(&FORMAT.to_le_bytes());
                head.extend_from_slice(&(header.len() as u32).to_le_bytes());
                head.extend_from_slice(&header);
                f.write_all(&head).map_err(io_at(&partial, "write"))?;
                let mut db = std::fs::File::open(&copy).map_err(io_at(&copy, "read"))?;
                std::io::copy(&mut db, &mut f).map_err(io_at(&partial, "write"))?;
                f.sync_all().map_err(io_at(&partial, "sync"))?;
            }
            std::fs::rename(&partial, out).map_err(io_at(out, "write"))?;
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                keys::sync_dir(dir)?;
            }
            Ok(info)
        })();
        remove_quietly(&copy);
        if outcome.is_err() {
            remove_quietly(&partial);
        }
        outcome
    }
}

/// Read a backup's header and check its database against its length
/// and hash; returns the header and the database's bytes.
fn read_backup(file: &Path) -> Result<(Header, u64)> {
    let mut f = std::fs::File::open(file).map_err(io_at(file, "open"))?;
    let mut head = [0u8; 16];
    if f.read_exact(&mut head).is_err() || &head[..8] != MAGIC {
        return Err(not_a_backup(file, "it does not begin as one"));
    }
    let format = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if format != FORMAT {
        return Err(ClientError::NewerFormat(i64::from(format)));
    }
    let len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
    if len > MAX_HEADER {
        return Err(not_a_backup(file, "its header is too long"));
    }
    let mut header = vec![0u8; len as usize];
    f.read_exact(&mut header)
        .map_err(|_| not_a_backup(file, "it is cut short"))?;
    let header: Header = serde_json::from_slice(&header)
        .map_err(|_| not_a_backup(file, "its header does not read"))?;
    // One byte more than it says, to tell a longer file.
    let (read, sha256) =
        hashed(f, header.database_bytes.saturating_add(1)).map_err(io_at(file, "read"))?;
    if read != header.database_bytes {
        return Err(not_a_backup(
            file,
            "it is cut short or longer than it says: copy it again",
        ));
    }
    if sha256 != header.sha256 {
        return Err(not_a_backup(file, "its content was altered or damaged"));
    }
    Ok((header, 16 + u64::from(len)))
}

/// How many bytes `from` gives (at most `limit`) and their SHA-256, hex,
/// read a piece at a time.
fn hashed(from: impl Read, limit: u64) -> std::io::Result<(u64, String)> {
    let mut from = from.take(limit);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok((total, hex::encode(hasher.finalize())));
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
}

/// What a backup file holds, without restoring it (checked whole).
pub fn inspect(file: &Path) -> Result<BackupInfo> {
    read_backup(file)?.0.info(file)
}

/// Restore the backup `file` into `dir`, which must hold no notebook.
/// `backup` unlocks the backup (its passphrase, or the secret store that
/// sealed it); the restored notebook's key is then sealed as `seal_as`
/// says. Nothing is written before the backup is checked whole, and a
/// failure leaves `dir` as it was.
pub fn restore(file: &Path, dir: &Path, backup: &Unlock, seal_as: &Unlock) -> Result<BackupInfo> {
    let db = dir.join(DB_FILE);
    if db.exists() {
        return Err(ClientError::AlreadyExists(dir.to_path_buf()));
    }
    let (header, offset) = read_backup(file)?;
    let key = keys::unseal_text(&header.key, backup, file)?;
    std::fs::create_dir_all(dir).map_err(io_at(dir, "create"))?;
    let partial = dir.join(format!("{DB_FILE}.restoring"));
    let outcome = (|| {
        {
            use std::io::{Seek, SeekFrom};
            let mut from = std::fs::File::open(file).map_err(io_at(file, "open"))?;
            from.seek(SeekFrom::Start(offset))
                .map_err(io_at(file, "read"))?;
            let mut f = std::fs::File::create(&partial).map_err(io_at(&partial, "write"))?;
            std::io::copy(&mut from.take(header.database_bytes), &mut f)
                .map_err(io_at(&partial, "write"))?;
            f.sync_all().map_err(io_at(&partial, "sync"))?;
        }
        // The key opens it and SQLite finds it sound.
        {
            let conn = Connection::open(&partial)?;
            key.apply(&conn, "main")?;
            let check: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(|_| not_a_backup(file, "its key does not open its notebook"))?;
            if check != "ok" {
                return Err(not_a_backup(file, "its notebook is damaged"));
            }
        }
        keys::install(dir, &key, seal_as)?;
        std::fs::rename(&partial, &db).map_err(io_at(&db, "write"))?;
        keys::sync_dir(dir)?;
        Ok(())
    })();
    if let Err(e) = outcome {
        remove_quietly(&partial);
        if !db.exists() {
            remove_quietly(&dir.join(keys::KEY_FILE));
        }
        return Err(e);
    }
    header.info(file)
}

/// A backup file kept in a backup folder.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeptBackup {
    /// Its path.
    pub path: String,
    /// Its size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// When it was written (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub written_at: i64,
}

/// The backups Carnet wrote in `folder`, newest first.
pub fn kept(folder: &Path) -> Result<Vec<KeptBackup>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_at(folder, "read")(e)),
    };
    let mut out: Vec<KeptBackup> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("carnet-") && name.ends_with(".carnetbk")
        })
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let written_at = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_millis() as i64;
            Some(KeptBackup {
                path: e.path().display().to_string(),
                bytes: meta.len(),
                written_at,
            })
        })
        .collect();
    out.sort_by(|a, b| b.path.cmp(&a.path));
    Ok(out)
}

/// The next backup's file in `folder`, named by `now`
/// (`carnet-2026-12-07-14-30-00.carnetbk`; names sort by time).
pub fn next_file(folder: &Path, now: carnet_core::Timestamp) -> Result<PathBuf> {
    std::fs::create_dir_all(folder).map_err(io_at(folder, "create"))?;
    let stamp: String = now
        .to_rfc3339()
        .chars()
        .take(19)
        .map(|c| if c == 'T' || c == ':' { '-' } else { c })
        .collect();
    let mut path = folder.join(format!("carnet-{stamp}.carnetbk"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("carnet-{stamp}-{n}.carnetbk"));
        n += 1;
    }
    Ok(path)
}

/// Keep the `keep` newest backups in `folder` and remove the older ones
/// (only files Carnet named). Returns how many were removed.
pub fn prune(folder: &Path, keep: usize) -> Result<usize> {
    let mut removed = 0;
    for old in kept(folder)?.into_iter().skip(keep.max(1)) {
        std::fs::remove_file(&old.path).map_err(io_at(Path::new(&old.path), "remove"))?;
        removed += 1;
    }
    Ok(removed)
}
