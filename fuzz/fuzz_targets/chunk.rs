//! One Automerge chunk with a correct checksum around fuzzed contents
//! (the first byte picks the chunk type), so the fuzzer reaches the
//! column decoders instead of stopping at the checksum: the server's
//! screening and a device's merge must refuse, never panic outside
//! containment, never allocate without bound.
#![no_main]

use carnet_core::chunks::{check, frame, MAX_INFLATED_RECORD};
use carnet_core::{RecordDoc, RecordId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, contents)) = data.split_first() else {
        return;
    };
    let chunk = frame(kind % 4, contents);
    let _ = check(&chunk, MAX_INFLATED_RECORD);
    if let Ok(id) = "01a20000-0000-7000-8000-000000000001".parse::<RecordId>() {
        let _ = RecordDoc::from_changes(id, &chunk);
    }
});
