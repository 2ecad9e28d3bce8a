//! A pushed record's bytes, as the server and a device take them: a new
//! record made from them, and a merge into an existing record. Errors are
//! fine; a panic or an unbounded allocation is a finding.
#![no_main]

use carnet_core::record::Workspace;
use carnet_core::vocab::Language;
use carnet_core::{Actor, Codebook, MemberId, Record, RecordDoc, RecordId, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(id) = "01a20000-0000-7000-8000-000000000001".parse::<RecordId>() else {
        return;
    };
    let _ = RecordDoc::from_changes(id, data);
    let Ok(member) = "01a20000-0000-7000-8000-000000000002".parse::<MemberId>() else {
        return;
    };
    let actor = Actor::new(member, [1; 8]);
    let workspace = Record::Workspace(Workspace::starter("Équipe", Language::French));
    if let Ok(mut doc) = RecordDoc::create(
        id,
        &workspace,
        &Codebook::any(),
        &actor,
        Timestamp::from_millis(0),
    ) {
        let _ = doc.merge(data);
    }
});
