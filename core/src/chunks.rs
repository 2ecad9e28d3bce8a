//! Automerge bytes from elsewhere, read without trusting them.
//!
//! Bytes pushed to the server or received by a device are split into
//! Automerge chunks here ([`check`], and inside [`crate::RecordDoc`]'s
//! merges) before Automerge sees them, so that what Automerge itself does
//! not guard against is contained:
//!
//! - **Inflation.** Automerge compresses with DEFLATE a whole change
//!   (chunk type 2) and the columns of a document (type 0) whose column
//!   spec has the deflate bit, and it inflates them in full
//!   before any check: a kilobyte of deflated zeros becomes a megabyte, a
//!   megabyte a gigabyte. [`inflated_size`] walks the chunk headers and
//!   column metadata and inflates each compressed part into a counter
//!   (nothing is kept) that stops at the budget, so a record whose bytes
//!   would inflate past [`MAX_INFLATED_RECORD`] is refused before any
//!   buffer is allocated for it.
//! - **Bundles.** Automerge's bundle chunks (type 3) are refused: Carnet
//!   never writes them (it sends documents and changes), and their
//!   decoder allocates from counts a crafted chunk sets (the fuzzer found
//!   140 bytes that took more than a gigabyte).
//! - **Panics.** A crafted chunk with a correct checksum can make
//!   Automerge's column decoder panic. [`contained`] runs decoding so that
//!   a panic becomes an error for that one record, without the panic's
//!   message in the log.

use std::cell::Cell;
use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use automerge::{AutoCommit, LoadOptions, OnPartialLoad, VerificationMode};

use crate::error::CoreError;

/// The most a record's bytes may hold once inflated: 16 MiB. A note of a
/// hundred pages, typed and edited for months, stays well under it.
pub const MAX_INFLATED_RECORD: u64 = 16 * 1024 * 1024;

/// The magic bytes that open every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Magic, checksum and chunk type: the fixed part of a chunk's header.
const FIXED_HEADER: usize = 9;
/// A change hash's length.
const HASH_LEN: usize = 32;
/// The deflate bit of a column spec.
const DEFLATE_BIT: u64 = 0b1000;

/// The chunk types.
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;

/// Why bytes were refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsafe {
    /// The chunks' framing is broken: not Automerge bytes.
    #[error("the bytes are not Automerge chunks")]
    Malformed,
    /// The bytes would inflate past the budget.
    #[error("the record's changes would take more than {} MiB once decompressed", .0 / (1024 * 1024))]
    TooLarge(u64),
}

/// A decoded Automerge chunk.
pub(crate) enum Chunk {
    Change(Box<automerge::Change>),
    Document(Box<AutoCommit>),
}

/// An Automerge chunk of `chunk_type` around `contents`, with its
/// checksum (the first four bytes of the SHA-256 of type, length and
/// contents): the framing Automerge expects, which is also what a hostile
/// peer would write around crafted contents (the tests and the fuzz
/// targets build their chunks with it).
pub fn frame(chunk_type: u8, contents: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut len = Vec::new();
    write_uleb(contents.len() as u64, &mut len);
    let mut hash = sha2::Sha256::new();
    hash.update([chunk_type]);
    hash.update(&len);
    hash.update(contents);
    let sum = hash.finalize();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&sum[..4]);
    out.push(chunk_type);
    out.extend_from_slice(&len);
    out.extend_from_slice(contents);
    out
}

/// Write a LEB128 unsigned number.
fn write_uleb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The size `bytes` would take once every compressed part is inflated,
/// refused as soon as it passes `budget`. Nothing inflated is kept.
pub fn inflated_size(bytes: &[u8], budget: u64) -> Result<u64, Unsafe> {
    let mut total = 0u64;
    let mut rest = bytes;
    while !rest.is_empty() {
        let (chunk_type, contents, len) = split_chunk(rest)?;
        let left = budget.saturating_sub(total);
        let size = match chunk_type {
            CHANGE => contents.len() as u64,
            COMPRESSED_CHANGE => inflate_count(contents, left)?,
            DOCUMENT => columns_size(contents, left)?,
            // Bundles (type 3) and unknown types.
            _ => return Err(Unsafe::Malformed),
        };
        total = total
            .saturating_add(size)
            .saturating_add(FIXED_HEADER as u64);
        if total > budget {
            return Err(Unsafe::TooLarge(budget));
        }
        rest = &rest[len..];
    }
    Ok(total)
}

/// The next chunk of `bytes`: its type, its contents and the length of
/// the whole chunk.
fn split_chunk(bytes: &[u8]) -> Result<(u8, &[u8], usize), Unsafe> {
    if bytes.len() < FIXED_HEADER + 1 || bytes[..4] != MAGIC {
        return Err(Unsafe::Malformed);
    }
    let chunk_type = bytes[8];
    let (len, used) = read_uleb(&bytes[FIXED_HEADER..]).ok_or(Unsafe::Malformed)?;
    let start = FIXED_HEADER + used;
    let end = usize::try_from(len)
        .ok()
        .and_then(|l| start.checked_add(l))
        .ok_or(Unsafe::Malformed)?;
    let contents = bytes.get(start..end).ok_or(Unsafe::Malformed)?;
    Ok((chunk_type, contents, end))
}

/// A reader of LEB128 numbers and byte runs over a chunk's contents.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn uleb(&mut self) -> Result<u64, Unsafe> {
        let (v, used) = read_uleb(self.0).ok_or(Unsafe::Malformed)?;
        self.0 = &self.0[used..];
        Ok(v)
    }
    fn take(&mut self, n: u64) -> Result<&'a [u8], Unsafe> {
        let n = usize::try_from(n).map_err(|_| Unsafe::Malformed)?;
        let taken = self.0.get(..n).ok_or(Unsafe::Malformed)?;
        self.0 = &self.0[n..];
        Ok(taken)
    }
    /// A count of items of `size` bytes each (or of length-prefixed
    /// items when `size` is `None`), skipped.
    fn skip_list(&mut self, size: Option<u64>) -> Result<(), Unsafe> {
        let count = self.uleb()?;
        for _ in 0..count {
            let n = match size {
                Some(n) => n,
                None => self.uleb()?,
            };
            self.take(n)?;
        }
        Ok(())
    }
    /// Column metadata: (spec, length) pairs.
    fn columns(&mut self) -> Result<Vec<(u64, u64)>, Unsafe> {
        let count = self.uleb()?;
        let mut out = Vec::new();
        for _ in 0..count {
            out.push((self.uleb()?, self.uleb()?));
        }
        Ok(out)
    }
}

/// The inflated size of a document chunk's contents: actors, heads,
/// change column metadata, op column metadata, then the change columns'
/// data and the op columns' data.
fn columns_size(contents: &[u8], budget: u64) -> Result<u64, Unsafe> {
    let mut c = Cursor(contents);
    let mut total = 0u64;
    let data = |c: &mut Cursor<'_>, total: &mut u64, cols: &[(u64, u64)]| {
        for &(spec, len) in cols {
            let bytes = c.take(len)?;
            let size = if spec & DEFLATE_BIT != 0 {
                inflate_count(bytes, budget.saturating_sub(*total))?
            } else {
                len
            };
            *total = total.saturating_add(size);
            if *total > budget {
                return Err(Unsafe::TooLarge(budget));
            }
        }
        Ok(())
    };
    c.skip_list(None)?;
    c.skip_list(Some(HASH_LEN as u64))?;
    let changes = c.columns()?;
    let ops = c.columns()?;
    data(&mut c, &mut total, &changes)?;
    data(&mut c, &mut total, &ops)?;
    Ok(total.saturating_add(c.0.len() as u64))
}

/// Inflate `deflated` into a counter, stopping past `budget`.
fn inflate_count(deflated: &[u8], budget: u64) -> Result<u64, Unsafe> {
    let mut decoder = flate2::bufread::DeflateDecoder::new(deflated).take(budget + 1);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(_) => return Err(Unsafe::Malformed),
        }
    }
    if total > budget {
        return Err(Unsafe::TooLarge(budget));
    }
    Ok(total)
}

/// Measure `bytes` against `budget` and decode every chunk (contained):
/// the inflated size, or why the bytes are refused. Decoding is done and
/// dropped; this is the check made before bytes reach a document.
pub fn check(bytes: &[u8], budget: u64) -> Result<u64, Unsafe> {
    let size = inflated_size(bytes, budget)?;
    contained(|| parse_measured(bytes))
        .map(|_| size)
        .map_err(|_| Unsafe::Malformed)
}

/// Split bytes into Automerge chunks and decode each strictly: a change
/// chunk must parse on its own, a document chunk must load. The bytes are
/// first measured ([`inflated_size`] against [`MAX_INFLATED_RECORD`]),
/// and decoding is [`contained`].
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Chunk>, CoreError> {
    inflated_size(bytes, MAX_INFLATED_RECORD)?;
    contained(|| parse_measured(bytes))
}

fn parse_measured(bytes: &[u8]) -> Result<Vec<Chunk>, CoreError> {
    let bad = || CoreError::decode(automerge::AutomergeError::Fail);
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (chunk_type, _, len) = split_chunk(rest)?;
        let chunk = &rest[..len];
        if chunk_type == DOCUMENT {
            let doc = AutoCommit::load_with_options(
                chunk,
                LoadOptions::new()
                    .on_partial_load(OnPartialLoad::Error)
                    .verification_mode(VerificationMode::Check),
            )
            .map_err(CoreError::decode)?;
            out.push(Chunk::Document(Box::new(doc)));
        } else {
            out.push(Chunk::Change(Box::new(
                automerge::Change::try_from(chunk).map_err(|_| bad())?,
            )));
        }
        rest = &rest[len..];
    }
    Ok(out)
}

impl From<Unsafe> for CoreError {
    fn from(e: Unsafe) -> Self {
        match e {
            Unsafe::Malformed => CoreError::decode(automerge::AutomergeError::Fail),
            Unsafe::TooLarge(limit) => CoreError::TooLarge(limit),
        }
    }
}

thread_local! {
    /// Decoding under [`contained`] is running on this thread.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// Run `f`, which decodes untrusted bytes, turning a panic inside it into
/// [`CoreError::Undecodable`]. The panic's message is not printed (the
/// process's panic hook is wrapped, once, to stay quiet while this runs):
/// a device sending crafted bytes must not be able to fill the log.
/// Whatever `f` was working on must be dropped after a panic, never used.
pub fn contained<T>(f: impl FnOnce() -> Result<T, CoreError>) -> Result<T, CoreError> {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CONTAINING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINING.with(|c| c.set(outer));
    result.unwrap_or(Err(CoreError::Undecodable))
}

/// A LEB128 unsigned number and the bytes it took.
pub(crate) fn read_uleb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().take(10).enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).expect("deflate");
        e.finish().expect("deflate")
    }

    #[test]
    fn a_compressed_change_of_zeros_is_refused_before_it_is_inflated() {
        let bomb = frame(COMPRESSED_CHANGE, &deflate(&vec![0u8; 64 * 1024 * 1024]));
        assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
        assert_eq!(
            inflated_size(&bomb, MAX_INFLATED_RECORD),
            Err(Unsafe::TooLarge(MAX_INFLATED_RECORD))
        );
        assert!(matches!(parse(&bomb), Err(CoreError::TooLarge(_))));
    }

    #[test]
    fn a_document_with_a_deflated_column_of_zeros_is_refused() {
        let column = deflate(&vec![0u8; 32 * 1024 * 1024]);
        let mut contents = Vec::new();
        write_uleb(0, &mut contents); // actors
        write_uleb(0, &mut contents); // heads
        write_uleb(0, &mut contents); // change columns
        write_uleb(1, &mut contents); // op columns
        write_uleb(DEFLATE_BIT | 0x10, &mut contents);
        write_uleb(column.len() as u64, &mut contents);
        contents.extend_from_slice(&column);
        let bomb = frame(DOCUMENT, &contents);
        assert_eq!(
            inflated_size(&bomb, MAX_INFLATED_RECORD),
            Err(Unsafe::TooLarge(MAX_INFLATED_RECORD))
        );
    }

    #[test]
    fn real_documents_and_changes_measure_at_least_their_size() {
        let mut doc = AutoCommit::new();
        let text = "Une phrase assez longue pour que les colonnes soient compressées. ".repeat(200);
        doc.put(automerge::ROOT, "body", text.as_str())
            .expect("put");
        let saved = doc.save();
        let size = inflated_size(&saved, MAX_INFLATED_RECORD).expect("measured");
        assert!(size >= saved.len() as u64 - 16, "{size} < {}", saved.len());
        let changes = doc.save_after(&[]);
        assert!(inflated_size(&changes, MAX_INFLATED_RECORD).is_ok());
        assert!(parse(&saved).is_ok() && parse(&changes).is_ok());
    }

    #[test]
    fn broken_framing_is_malformed_not_a_panic() {
        for bytes in [
            vec![1, 2, 3],
            frame(9, b"x"),
            frame(DOCUMENT, &[0x80]),
            frame(COMPRESSED_CHANGE, b"not deflate at all"),
        ] {
            assert_eq!(inflated_size(&bytes, 1024), Err(Unsafe::Malformed));
        }
    }

    /// Found by `fuzz/fuzz_targets/chunk.rs`: a bundle chunk of 140
    /// bytes whose decoding took more than a gigabyte.
    #[test]
    fn bundle_chunks_are_refused_before_decoding() {
        const CONTENTS: [u8; 139] = [
            0x01, 0x3e, 0xb2, 0x00, 0x01, 0x10, 0x76, 0x05, 0x02, 0x05, 0x11, 0x09, 0x13, 0x0f,
            0x15, 0x1f, 0x21, 0x03, 0x23, 0x0f, 0x01, 0x7b, 0x35, 0x03, 0x42, 0x07, 0x56, 0xa8,
            0x01, 0x5f, 0x5c, 0x7a, 0x42, 0x01, 0x03, 0x02, 0x01, 0x0e, 0x00, 0x05, 0x11, 0x09,
            0x13, 0x0f, 0x15, 0x1f, 0x21, 0x03, 0x23, 0x0f, 0x01, 0x7b, 0x34, 0x03, 0x42, 0x07,
            0x56, 0xa8, 0x01, 0x5f, 0x5c, 0x7a, 0x42, 0x07, 0x56, 0x6b, 0x69, 0x6e, 0x64, 0xa8,
            0x01, 0x5f, 0x5c, 0x7a, 0x42, 0x01, 0x03, 0x02, 0x00, 0x02, 0x01, 0x13, 0x02, 0x02,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x07, 0xa3, 0x07, 0x00, 0x02, 0x01, 0x7d,
            0x02, 0x7f, 0x9a, 0x07, 0x07, 0x9f, 0x9f, 0x9f, 0x9f, 0x9f, 0x9f, 0x9f, 0x9f, 0x9f,
            0xdf, 0x00, 0x02, 0x01, 0x13, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9f,
            0x07, 0xa3, 0x07, 0x00, 0x02, 0x01, 0x7d, 0x02, 0x7f, 0x9a, 0x07, 0x07, 0x02,
        ];
        let bundle = frame(3, &CONTENTS);
        assert_eq!(
            inflated_size(&bundle, MAX_INFLATED_RECORD),
            Err(Unsafe::Malformed)
        );
        assert!(check(&bundle, MAX_INFLATED_RECORD).is_err());
        assert!(parse(&bundle).is_err());
    }

    #[test]
    fn a_panic_while_decoding_is_an_error_and_the_thread_goes_on() {
        let r: Result<(), CoreError> = contained(|| panic!("crafted"));
        assert!(matches!(r, Err(CoreError::Undecodable)));
        assert!(matches!(contained(|| Ok(3)), Ok(3)));
    }
}
