//! Requests written by hand, as a hostile or broken client would send
//! them, and what the server stored, read back from its database.
#![allow(dead_code)]

use carnet_core::sync::protocol::{encode, PushRecord, SyncRequest, PROTOCOL_VERSION};

use super::{rt, TestServer};

/// Every stored row of the server's records, to compare before and after.
pub fn stored(server: &TestServer) -> Vec<(String, Vec<u8>, i64)> {
    server
        .query("SELECT id, heads, seq FROM records ORDER BY id", &[])
        .iter()
        .map(|r| {
            (
                r.text(0).expect("id"),
                r.bytes(1).expect("heads"),
                r.int(2).expect("seq"),
            )
        })
        .collect()
}

pub struct Answer {
    pub status: u16,
    pub kind: String,
    pub message: String,
    pub body: Vec<u8>,
}

pub fn post(url: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> Answer {
    rt().block_on(async {
        let mut req = reqwest::Client::new()
            .post(url)
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let body = resp.bytes().await.expect("body").to_vec();
        let (kind, message) = match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(v) => (
                v["kind"].as_str().unwrap_or_default().to_string(),
                v["message"].as_str().unwrap_or_default().to_string(),
            ),
            Err(_) => (String::new(), String::new()),
        };
        Answer {
            status,
            kind,
            message,
            body,
        }
    })
}

pub fn sync_req(push: Vec<PushRecord>) -> Vec<u8> {
    encode(&SyncRequest {
        protocol: PROTOCOL_VERSION,
        cursor: 0,
        last_answer: 0,
        push,
        want_full: vec![],
    })
}

pub fn assert_refused(a: &Answer, status: u16, kind: &str) {
    assert_eq!(a.status, status, "status for {kind}: {}", a.message);
    assert_eq!(a.kind, kind);
    assert!(
        a.message.len() > 20 && !a.message.contains("panicked"),
        "a sentence for people: {}",
        a.message
    );
}
