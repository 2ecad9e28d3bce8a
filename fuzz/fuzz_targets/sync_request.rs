//! The server's decoding of a sync request: CBOR into a `SyncRequest`,
//! then the screening every push goes through before a round (inflation
//! bounds, contained decoding). Nothing may panic or allocate without
//! bound, whatever the bytes.
#![no_main]

use carnet_core::sync::protocol::decode;
use carnet_core::sync::server::screen;
use carnet_core::sync::SyncRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut req) = decode::<SyncRequest>(data) {
        let _ = screen(&mut req);
    }
});
