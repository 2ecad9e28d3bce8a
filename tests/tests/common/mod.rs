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

/// Which database test servers keep their teams in: SQLite's file (the
/// default), or, when `CARNET_TEST_STORE=postgres`, a fresh database of
/// the test command's PostgreSQL cluster served by two instances behind a
/// proxy that sends each request to the next instance in turn (so each
/// device alternates instances between rounds).
pub fn on_postgres() -> bool {
    std::env::var("CARNET_TEST_STORE").is_ok_and(|s| s == "postgres")
}

/// The test command's PostgreSQL cluster.
pub fn cluster() -> String {
    std::env::var("CARNET_TEST_DATABASE_URL").expect(
        "CARNET_TEST_DATABASE_URL: run the tests through scripts/test.sh (or scripts/with-postgres.sh)",
    )
}

/// A new, empty database of the cluster; its address.
pub fn fresh_database(name: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let admin = cluster();
    let db = format!(
        "carnet_{name}_{}_{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    rt().block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("the cluster answers");
        tokio::spawn(conn);
        // One statement each: neither may run inside a transaction.
        for sql in [
            format!("DROP DATABASE IF EXISTS {db}"),
            format!("CREATE DATABASE {db}"),
        ] {
            client.batch_execute(&sql).await.expect("a database");
        }
    });
    let (base, _) = admin.rsplit_once('/').expect("an address with a database");
    format!("{base}/{db}")
}

/// One server process.
#[derive(Debug)]
struct Instance {
    child: Option<Child>,
    /// Where it listens (its port is kept across restarts).
    listen: String,
    /// Its URL.
    url: String,
}

/// A running sync server (one instance on SQLite, two on PostgreSQL; see
/// [`on_postgres`]); killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct TestServer {
    /// Its data directory (kept across restarts): SQLite's file, or the
    /// code key given to the PostgreSQL instances; the logs.
    pub data: PathBuf,
    _guard: Option<tempfile::TempDir>,
    /// Files the server reads (TLS certificate and key).
    _files: Option<tempfile::TempDir>,
    instances: Vec<Instance>,
    /// The PostgreSQL database's address, when on PostgreSQL.
    database: Option<String>,
    /// The proxy before the instances, when there are two.
    proxy: Option<proxy::Proxy>,
    /// Its base URL (the proxy's, when there is one).
    pub url: String,
    extra: Vec<String>,
}

pub mod proxy;

impl TestServer {
    /// Start a server on a fresh port with a fresh data directory.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Start a server with extra arguments to `serve` (e.g. TLS files).
    pub fn start_with(extra: &[String]) -> Self {
        let database = on_postgres().then(|| fresh_database("server"));
        Self::start_on(database, if on_postgres() { 2 } else { 1 }, extra)
    }

    /// Start `instances` servers on one fresh PostgreSQL database, behind
    /// the alternating proxy when there are several.
    pub fn start_postgres(instances: usize) -> Self {
        Self::start_on(Some(fresh_database("server")), instances, &[])
    }

    /// Start one server on SQLite, whatever the test command chose.
    pub fn start_sqlite() -> Self {
        Self::start_on(None, 1, &[])
    }

    /// Start one server on the PostgreSQL database `url`, listening on
    /// `listen`, with the data directory `data` (which holds the key file
    /// `server.key`).
    pub fn attach_postgres(url: &str, data: tempfile::TempDir, listen: &str) -> Self {
        Self::start_in(data, Some(url.to_string()), &[listen.to_string()], &[])
    }

    /// Where it listens (the first instance).
    pub fn listen(&self) -> String {
        self.instances[0].listen.clone()
    }

    fn start_on(database: Option<String>, instances: usize, extra: &[String]) -> Self {
        let listens = vec!["127.0.0.1:0".to_string(); instances];
        Self::start_in(tempfile::tempdir().expect("dir"), database, &listens, extra)
    }

    fn start_in(
        guard: tempfile::TempDir,
        database: Option<String>,
        listens: &[String],
        extra: &[String],
    ) -> Self {
        let instances = listens.len();
        let data = guard.path().to_path_buf();
        let mut s = Self {
            data,
            _guard: Some(guard),
            _files: None,
            instances: listens
                .iter()
                .map(|listen| Instance {
                    child: None,
                    listen: listen.clone(),
                    url: String::new(),
                })
                .collect(),
            database,
            proxy: None,
            url: String::new(),
            extra: extra.to_vec(),
        };
        for k in 0..instances {
            s.spawn(k);
        }
        if instances > 1 {
            let proxy = proxy::Proxy::start(s.instances.iter().map(|i| i.url.clone()).collect());
            s.url = proxy.url.clone();
            s.proxy = Some(proxy);
        } else {
            s.url = s.instances[0].url.clone();
        }
        s
    }

    /// Start a server over TLS with this certificate and key (PEM),
    /// and extra arguments to `serve`; its URL names `localhost`, the
    /// name test certificates are made for. (One instance, on SQLite.)
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
        let mut server = Self::start_on(None, 1, &args);
        server._files = Some(files);
        server
    }

    /// Whether this server keeps its teams in SQLite's file.
    pub fn on_sqlite(&self) -> bool {
        self.database.is_none()
    }

    /// The arguments naming the server's database.
    fn store_args(&self) -> Vec<String> {
        match &self.database {
            None => vec!["--data".into(), self.data.display().to_string()],
            Some(url) => vec![
                "--database".into(),
                url.clone(),
                "--key-file".into(),
                self.data.join("server.key").display().to_string(),
            ],
        }
    }

    fn spawn(&mut self, k: usize) {
        let mut child = Command::new(server_bin())
            .arg("serve")
            .args(self.store_args())
            .args(["--listen", &self.instances[k].listen])
            .args(&self.extra)
            .env(
                "RUST_LOG",
                std::env::var("CARNET_TEST_SERVER_LOG")
                    .unwrap_or_else(|_| "warn,carnet_sync_server=info".into()),
            )
            .stdout(Stdio::piped())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.data.join(format!("server-{k}.log")))
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
            .unwrap_or_else(|| panic!("an address line, not {line:?}: {}", self.log()))
            .to_string();
        let instance = &mut self.instances[k];
        instance.listen = url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_string();
        // Over TLS, the name test certificates are made for.
        instance.url = if url.starts_with("https://") {
            url.replace("127.0.0.1", "localhost")
        } else {
            url
        };
        instance.child = Some(child);
    }

    /// What the server has logged so far (its standard error; every
    /// instance's).
    pub fn log(&self) -> String {
        (0..self.instances.len())
            .map(|k| {
                std::fs::read_to_string(self.data.join(format!("server-{k}.log")))
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The most memory the server has held resident so far, in bytes
    /// (Linux's high-water mark: a buffer freed at once still counts).
    pub fn peak_resident_bytes(&self) -> u64 {
        self.instance_peak_resident_bytes(0)
    }

    /// The same, of one instance.
    pub fn instance_peak_resident_bytes(&self, k: usize) -> u64 {
        let pid = self.instances[k].child.as_ref().map_or(0, Child::id);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmHWM")
            * 1024
    }

    /// Every instance's own URL (not the proxy's).
    pub fn instance_urls(&self) -> Vec<String> {
        self.instances.iter().map(|i| i.url.clone()).collect()
    }

    /// Every instance's process id.
    pub fn pids(&self) -> Vec<u32> {
        self.instances
            .iter()
            .filter_map(|i| i.child.as_ref().map(Child::id))
            .collect()
    }

    /// The (first) server process's id.
    pub fn pid(&self) -> u32 {
        self.instances[0]
            .child
            .as_ref()
            .map(|c| c.id())
            .unwrap_or(0)
    }

    /// Kill every instance with SIGKILL (no clean shutdown).
    pub fn kill(&mut self) {
        for k in 0..self.instances.len() {
            self.kill_instance(k);
        }
    }

    /// Kill one instance with SIGKILL.
    pub fn kill_instance(&mut self, k: usize) {
        if let Some(mut c) = self.instances[k].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start one instance again, on its port.
    pub fn restart_instance(&mut self, k: usize) {
        self.kill_instance(k);
        self.spawn(k);
    }

    /// Ask the server to stop, as systemd does (SIGTERM).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "the server got SIGTERM");
    }

    /// Wait up to `most` for the (first) server to exit; its exit code.
    pub fn wait_exit(&mut self, most: std::time::Duration) -> Option<i32> {
        let start = std::time::Instant::now();
        let child = self.instances[0].child.as_mut()?;
        while start.elapsed() < most {
            if let Ok(Some(status)) = child.try_wait() {
                self.instances[0].child = None;
                return status.code();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// Start it again on the same ports and data.
    pub fn restart(&mut self) {
        self.kill();
        for k in 0..self.instances.len() {
            self.spawn(k);
        }
    }

    /// Run an administration command of the server binary; its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        let out = self.admin_output(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// The same, whatever its outcome.
    pub fn admin_output(&self, args: &[&str]) -> std::process::Output {
        Command::new(server_bin())
            .args(args)
            .args(self.store_args())
            .output()
            .expect("admin command")
    }

    /// The server's database, opened beside it (to look at what it
    /// stores, or to set up what a test needs).
    pub fn db(
        &self,
    ) -> (
        carnet_sync_server::db::Database,
        Option<tokio::runtime::Runtime>,
    ) {
        use carnet_sync_server::db::Database;
        match &self.database {
            None => (
                Database::sqlite(&self.data).expect("the server's database"),
                None,
            ),
            Some(url) => {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("runtime");
                let db = runtime
                    .block_on(Database::postgres(
                        url,
                        &self.data.join("server.key"),
                        carnet_sync_server::pg::PgOptions::default(),
                    ))
                    .expect("the server's database");
                (db, Some(runtime))
            }
        }
    }

    /// The rows a statement (`$1` parameters) returns from the server's
    /// database, whichever it is.
    pub fn query(
        &self,
        sql: &str,
        args: &[carnet_sync_server::sql::Value],
    ) -> Vec<carnet_sync_server::sql::Row> {
        let (db, _runtime) = self.db();
        db.write(|tx| tx.rows(sql, args)).expect("query")
    }

    /// Run a statement on the server's database; rows changed.
    pub fn execute(&self, sql: &str, args: &[carnet_sync_server::sql::Value]) -> u64 {
        let (db, _runtime) = self.db();
        db.write(|tx| tx.exec(sql, args)).expect("statement")
    }

    /// One integer a statement returns (a count).
    pub fn count(&self, sql: &str, args: &[carnet_sync_server::sql::Value]) -> i64 {
        self.query(sql, args)[0].int(0).expect("an integer")
    }

    /// A copy of the server's database, taken with the server stopped:
    /// SQLite's files, or `pg_dump`'s archive of the PostgreSQL database.
    pub fn backup(&self) -> tempfile::TempDir {
        let copy = tempfile::tempdir().expect("backup");
        match &self.database {
            None => copy_files(&self.data, copy.path()),
            Some(url) => {
                let out = Command::new(pg_tool("pg_dump"))
                    .args(["--format=custom", "--file"])
                    .arg(copy.path().join("dump"))
                    .arg(url)
                    .output()
                    .expect("pg_dump");
                assert!(
                    out.status.success(),
                    "pg_dump: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        copy
    }

    /// Put a [`TestServer::backup`] back, the server stopped.
    pub fn restore(&self, backup: &tempfile::TempDir) {
        match &self.database {
            None => copy_files(backup.path(), &self.data),
            Some(url) => {
                let (_, name) = url.rsplit_once('/').expect("a database name");
                rt().block_on(async {
                    let (client, conn) = tokio_postgres::connect(&cluster(), tokio_postgres::NoTls)
                        .await
                        .expect("the cluster answers");
                    tokio::spawn(conn);
                    for sql in [
                        format!("DROP DATABASE {name} WITH (FORCE)"),
                        format!("CREATE DATABASE {name}"),
                    ] {
                        client.batch_execute(&sql).await.expect("a fresh database");
                    }
                });
                let out = Command::new(pg_tool("pg_restore"))
                    .args(["--no-owner", "--dbname", url])
                    .arg(backup.path().join("dump"))
                    .output()
                    .expect("pg_restore");
                assert!(
                    out.status.success(),
                    "pg_restore: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }

    /// How many requests each instance answered, when behind the proxy.
    pub fn answered_by_instance(&self) -> Option<Vec<usize>> {
        self.proxy.as_ref().map(proxy::Proxy::answered)
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
        let team = self.query("SELECT id FROM teams LIMIT 1", &[])[0]
            .text(0)
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

/// Copy the files of a directory over another's.
fn copy_files(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(to).expect("read") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::remove_file(path).expect("remove");
        }
    }
    for entry in std::fs::read_dir(from).expect("read") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// A PostgreSQL program of the installed server's version.
pub fn pg_tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.last()
        .map(|d| d.join(name))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
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
    /// Every record it holds: id → its heads, sorted (to compare devices
    /// with each other and with the server, change for change).
    pub fn state(&mut self) -> std::collections::BTreeMap<String, Vec<String>> {
        self.nb
            .record_ids()
            .expect("ids")
            .into_iter()
            .map(|(id, _)| {
                let mut heads: Vec<String> = self
                    .nb
                    .heads(id)
                    .expect("heads")
                    .iter()
                    .map(|h| h.to_string())
                    .collect();
                heads.sort();
                (id.to_string(), heads)
            })
            .collect()
    }

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
