//! Helpers for tests that cross crates: a real `carnet-sync-server`
//! process on a loopback port with a temporary data directory (killed and
//! cleaned up on drop), and devices (notebooks) joined to it.
#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use carnet_client::sync::{self, SyncSummary};
use carnet_client::{Environment, Notebook};
use carnet_core::{FixedClock, SeededIds, Timestamp};

pub mod wire;

/// The `carnet-sync-server` binary (this package's build of it).
pub fn server_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_test-sync-server"))
}

/// The `carnet` binary (this package's build of it).
pub fn carnet_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_test-carnet"))
}

/// A running sync server; killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct TestServer {
    /// Its data directory (kept across restarts).
    pub data: PathBuf,
    _guard: Option<tempfile::TempDir>,
    /// Files the server reads (TLS certificate and key).
    _files: Option<tempfile::TempDir>,
    child: Option<Child>,
    /// Its base URL.
    pub url: String,
    listen: String,
    extra: Vec<String>,
}

impl TestServer {
    /// Start a server on a fresh port with a fresh data directory.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Start a server with extra arguments to `serve` (e.g. TLS files).
    pub fn start_with(extra: &[String]) -> Self {
        let guard = tempfile::tempdir().expect("dir");
        let data = guard.path().to_path_buf();
        let mut s = Self {
            data,
            _guard: Some(guard),
            _files: None,
            child: None,
            url: String::new(),
            listen: "127.0.0.1:0".into(),
            extra: extra.to_vec(),
        };
        s.spawn();
        s
    }

    /// Start a server over TLS with this certificate and key (PEM),
    /// and extra arguments to `serve`; its URL names `localhost`, the
    /// name test certificates are made for.
    pub fn start_tls(cert_pem: &str, key_pem: &str, extra: &[&str]) -> Self {
        let files = tempfile::tempdir().expect("dir");
        let (cert, key) = (files.path().join("cert.pem"), files.path().join("key.pem"));
        std::fs::write(&cert, cert_pem).expect("write cert");
        std::fs::write(&key, key_pem).expect("write key");
        let mut args = vec![
            "--tls-cert".to_string(),
            cert.display().to_string(),
            "--tls-key".to_string(),
            key.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut server = Self::start_with(&args);
        server._files = Some(files);
        server
    }

    fn spawn(&mut self) {
        let mut child = Command::new(server_bin())
            .args(["serve", "--data"])
            .arg(&self.data)
            .args(["--listen", &self.listen])
            .args(&self.extra)
            .env("RUST_LOG", "warn,carnet_sync_server=info")
            .stdout(Stdio::piped())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.data.join("server.log"))
                    .expect("server log"),
            )
            .spawn()
            .expect("spawn server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server prints its address");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("address line")
            .to_string();
        self.listen = url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_string();
        // Over TLS, the name test certificates are made for.
        self.url = if url.starts_with("https://") {
            url.replace("127.0.0.1", "localhost")
        } else {
            url
        };
        self.child = Some(child);
    }

    /// What the server has logged so far (its standard error).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default()
    }

    /// The most memory the server has held resident so far, in bytes
    /// (Linux's high-water mark: a buffer freed at once still counts).
    pub fn peak_resident_bytes(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmHWM")
            * 1024
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// Kill the server with SIGKILL (no clean shutdown).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Ask the server to stop, as systemd does (SIGTERM).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "the server got SIGTERM");
    }

    /// Wait up to `most` for the server to exit; its exit code.
    pub fn wait_exit(&mut self, most: std::time::Duration) -> Option<i32> {
        let start = std::time::Instant::now();
        let child = self.child.as_mut()?;
        while start.elapsed() < most {
            if let Ok(Some(status)) = child.try_wait() {
                self.child = None;
                return status.code();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// Start it again on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Run an administration command of the server binary; its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(server_bin())
            .args(args)
            .arg("--data")
            .arg(&self.data)
            .output()
            .expect("admin command");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Create a team; its id and the coordinator's code.
    pub fn create_team(&self, name: &str, coordinator: &str) -> (String, String) {
        let out = self.admin(&[
            "team",
            "create",
            name,
            "--coordinator",
            coordinator,
            "--json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        (
            v["team"].as_str().unwrap().to_string(),
            v["code"].as_str().unwrap().to_string(),
        )
    }

    /// A worker's invitation code to the only team of the server.
    pub fn invite_any(&self) -> String {
        let conn = rusqlite::Connection::open(self.data.join("server.db")).expect("db");
        let team: String = conn
            .query_row("SELECT id FROM teams LIMIT 1", [], |r| r.get(0))
            .expect("a team");
        self.invite(&team, "worker", true)
    }

    /// A partner's invitation code, for an organisation of the team's
    /// directory.
    pub fn partner_invite(&self, team: &str, organisation: carnet_core::RecordId) -> String {
        let out = self.admin(&[
            "invite",
            "--team",
            team,
            "--role",
            "partner",
            "--organisation",
            &organisation.to_string(),
            "--json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["code"].as_str().expect("code").to_string()
    }

    /// An invitation code.
    pub fn invite(&self, team: &str, role: &str, persons: bool) -> String {
        let mut args = vec!["invite", "--team", team, "--role", role, "--json"];
        if persons {
            args.push("--persons");
        }
        let v: serde_json::Value = serde_json::from_str(&self.admin(&args)).expect("json");
        v["code"].as_str().unwrap().to_string()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A deterministic environment for a device.
pub fn env(seed: u64) -> Environment {
    Environment {
        clock: Arc::new(FixedClock::new(
            "2026-11-20T14:00:00Z".parse::<Timestamp>().unwrap(),
            1000,
        )),
        ids: Arc::new(SeededIds::new(seed)),
        unlock: Default::default(),
    }
}

/// A device joined to a team.
#[derive(Debug)]
pub struct Device {
    /// Its notebook.
    pub nb: Notebook,
    /// Its data directory.
    pub dir: tempfile::TempDir,
}

/// A current-thread runtime for the async client calls.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

impl Device {
    /// Join `server` with `code`.
    pub fn join(server: &TestServer, code: &str, name: &str, seed: u64) -> Self {
        Self::joined(server, code, name, seed, true)
    }

    /// Join `server` with `code` without the first sync (to time it apart).
    pub fn join_empty(server: &TestServer, code: &str, name: &str, seed: u64) -> Self {
        Self::joined(server, code, name, seed, false)
    }

    fn joined(server: &TestServer, code: &str, name: &str, seed: u64, pull: bool) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let device_name = format!("{name}-laptop");
        let req = sync::JoinOptions {
            server: &server.url,
            code,
            device_name: &device_name,
            member_name: name,
            ca_pem: None,
        };
        let nb = rt()
            .block_on(async {
                if pull {
                    sync::join(dir.path(), req, env(seed), |_| {})
                        .await
                        .map(|(nb, _)| nb)
                } else {
                    sync::enrol(dir.path(), req, env(seed)).await
                }
            })
            .unwrap_or_else(|e| panic!("{name} joins: {e}"));
        Self { nb, dir }
    }

    /// A new person with one referral (to `service`, for `need`), as the
    /// tests of referrals start: the person's id and the referral's.
    pub fn person_with_referral(
        &mut self,
        pseudonym: &str,
        service: &str,
        need: carnet_core::vocab::NeedCategory,
    ) -> (carnet_core::RecordId, carnet_core::ItemId) {
        let person = self
            .nb
            .create_person(carnet_client::PersonInput {
                pseudonym: pseudonym.into(),
                ..Default::default()
            })
            .expect("person");
        let referral = self
            .nb
            .add_referral(
                person,
                carnet_client::ReferralInput {
                    service: service.into(),
                    resource_id: None,
                    service_id: None,
                    need,
                    note: None,
                    status: None,
                    share_identity: false,
                },
            )
            .expect("referral");
        (person, referral)
    }

    /// Sync until quiet.
    pub fn sync(&mut self) -> carnet_client::Result<SyncSummary> {
        let client = sync::engine::server_client(&self.nb)?;
        rt().block_on(sync::sync_until_quiet(&mut self.nb, &client, |_| {}))
    }
}

/// A PDF's text, as `pdftotext` reads it (poppler-utils).
pub fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
