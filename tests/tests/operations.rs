//! What a server's operators watch, against the real server on loopback:
//! `/v1/health` and `/v1/ready`, the Prometheus metrics at `/metrics`
//! (requests by route and status with their durations, sync rounds,
//! records and bytes in and out, refusals by reason), and a request id
//! per request, answered in `x-request-id` and carried by the log lines
//! of its round, which never hold a note's words.

mod common;

use carnet_client::{NoteInput, PersonInput};
use carnet_core::vocab::Method;
use common::{Device, TestServer};

fn get(url: &str, token: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    common::rt().block_on(async {
        let mut req = reqwest::Client::new().get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.expect("body"))
    })
}

/// A metric's value, by its whole name and labels as the text format
/// writes them.
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn operators_see_readiness_counts_durations_refusals_and_request_ids() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Pôle", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 91);
    let (status, _, body) = get(&format!("{}/v1/health", server.url), None);
    assert_eq!((status, body.contains("ok")), (200, true));
    let (status, _, body) = get(&format!("{}/v1/ready", server.url), None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ready"), "{body}");
    aline
        .nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Rencontre confidentielle au parc".into(),
            body: Some("Madame Tremblay cherche un logement".into()),
            ..NoteInput::default()
        })
        .expect("note");
    aline.sync().expect("sync");
    // A worker without access to persons pushes one: refused.
    let mut jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 92);
    jean.nb
        .create_person(PersonInput {
            pseudonym: "JN-1".into(),
            ..Default::default()
        })
        .expect("local person");
    let summary = jean.sync().expect("sync");
    assert_eq!(summary.rejected.len(), 1);

    let (status, headers, text) = get(&format!("{}/metrics", server.url), None);
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{headers:?}"
    );
    let synced = metric(
        &text,
        "carnet_http_requests_total{route=\"/v1/sync\",status=\"200\"}",
    );
    assert!(synced >= 2.0, "{text}");
    assert_eq!(
        metric(
            &text,
            "carnet_http_request_duration_seconds_count{route=\"/v1/sync\"}"
        ),
        synced,
        "every sync request timed"
    );
    assert_eq!(metric(&text, "carnet_sync_rounds_total"), synced);
    assert!(
        metric(&text, "carnet_sync_records_in_total") >= 2.0,
        "{text}"
    );
    assert!(
        metric(&text, "carnet_sync_records_out_total") >= 1.0,
        "{text}"
    );
    assert!(metric(&text, "carnet_sync_bytes_in_total") > 0.0, "{text}");
    assert!(metric(&text, "carnet_sync_bytes_out_total") > 0.0, "{text}");
    assert_eq!(
        metric(&text, "carnet_sync_refusals_total{reason=\"forbidden\"}"),
        1.0,
        "{text}"
    );
    assert_eq!(
        metric(
            &text,
            "carnet_http_requests_total{route=\"/v1/join\",status=\"201\"}"
        ),
        2.0
    );
    assert_eq!(
        metric(&text, "carnet_db_busy"),
        0.0,
        "nothing holds the database now"
    );
    assert!(
        !text.contains("Tremblay") && !text.contains("JN-1") && !text.contains(&team),
        "counts only"
    );

    // A request id per request, in its answer and in its log lines.
    let token = aline.nb.membership().expect("meta").expect("joined").token;
    let (status, headers, _) = get(&format!("{}/v1/me", server.url), Some(&token));
    assert_eq!(status, 200);
    let id = headers["x-request-id"].to_str().expect("ascii").to_string();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    let (_, other, _) = get(&format!("{}/v1/me", server.url), Some(&token));
    assert_ne!(
        other["x-request-id"], headers["x-request-id"],
        "one id per request"
    );
    let log = server.log();
    let round = log
        .lines()
        .find(|l| l.contains("pushed record refused"))
        .expect("the refusal is logged");
    assert!(
        round.contains("request{id=") && round.contains("route=/v1/sync"),
        "the refusal names its request: {round}"
    );
    assert!(log.lines().any(|l| l.contains("sync round")), "{log}");
    for words in ["Tremblay", "confidentielle", "JN-1"] {
        assert!(
            !log.contains(words),
            "the log holds no record's words ({words})"
        );
    }
}

#[test]
fn a_stopping_server_finishes_the_round_it_answers_and_tells_new_ones_to_come_back() {
    use std::io::{Read, Write};
    let mut server = TestServer::start();
    let (_, code) = server.create_team("Pôle", "Aline");
    let aline = Device::join(&server, &code, "Aline", 93);
    let token = aline.nb.membership().expect("meta").expect("joined").token;
    // A round whose body is half sent when the server is told to stop.
    let body = common::wire::sync_req(vec![]);
    let (first, rest) = body.split_at(body.len() / 2);
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut round = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        round,
        "POST /v1/sync HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/cbor\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("headers");
    round.write_all(first).expect("half the body");
    round.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.terminate();
    std::thread::sleep(std::time::Duration::from_millis(300));

    // A new request is told to come back, in words, with a hint.
    let (status, headers, text) = get(&format!("{}/v1/me", server.url), Some(&token));
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("stopping"), "{text}");
    assert!(headers.contains_key("retry-after"), "{headers:?}");
    let (status, _, _) = get(&format!("{}/v1/health", server.url), None);
    assert_eq!(status, 200, "the process is still up");
    assert_eq!(
        server.wait_exit(std::time::Duration::from_millis(200)),
        None,
        "it waits for the round"
    );

    // The round in flight finishes and is answered.
    round.write_all(rest).expect("the rest");
    let mut answer = Vec::new();
    round.read_to_end(&mut answer).expect("answer");
    let head = String::from_utf8_lossy(&answer[..answer.len().min(64)]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // Then the server exits, cleanly.
    assert_eq!(
        server.wait_exit(std::time::Duration::from_secs(15)),
        Some(0)
    );
}

#[test]
fn the_systemd_unit_verifies_and_its_command_serves_and_stops_cleanly() {
    use std::io::BufRead;
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../deploy/carnet-sync-server.service"),
    )
    .expect("the unit");
    let bin = common::server_bin();
    let dir = tempfile::tempdir().expect("dir");
    // systemd's own check, with the binary where this build put it.
    let installed = unit.replace(
        "/usr/local/bin/carnet-sync-server",
        bin.to_str().expect("path"),
    );
    let path = dir.path().join("carnet-sync-server.service");
    std::fs::write(&path, &installed).expect("write");
    let verify = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze (scripts/setup.sh installs systemd)");
    let said = String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && !said.contains("carnet-sync-server.service"),
        "the unit has no error nor warning: {said}"
    );
    // Its command line, with a data directory and port of the test's.
    let exec = installed
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart");
    let data = dir.path().join("data");
    let args: Vec<String> = exec
        .split_whitespace()
        .skip(1)
        .map(|a| match a {
            "/var/lib/carnet" => data.to_str().expect("path").to_string(),
            "127.0.0.1:8080" => "127.0.0.1:0".to_string(),
            other => other.to_string(),
        })
        .collect();
    let mut child = std::process::Command::new(&bin)
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    assert!(data.join("server.db").exists() && data.join("server.key").exists());
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let start = std::time::Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s.code();
        }
        assert!(
            start.elapsed().as_secs() < 15,
            "the server stops on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "it exits cleanly");
}
