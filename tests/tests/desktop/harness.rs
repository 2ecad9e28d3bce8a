//! Drives the real desktop app: each [`App`] is this package's build of
//! carnet-desktop, started by WebKitWebDriver under its own Xvfb display
//! through `tauri-driver`, with its own data directory. Assertions wait
//! for text on the page and, when they fail, say what they expected and
//! what the page showed. Every test saves a screenshot of its last screen
//! in `target/e2e-screenshots/`.

#![allow(dead_code)] // shared by the end-to-end tests and the desktop benchmark

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(30);

/// How long one WebDriver command may take before the app counts as hung.
const COMMAND: Duration = Duration::from_secs(20);

/// `fut`, or an error if the app does not answer in time (a crashed app
/// must fail the test, not hang it).
async fn answer<T, E: Into<anyhow::Error>>(
    what: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T> {
    match tokio::time::timeout(COMMAND, fut).await {
        Ok(r) => r.map_err(Into::into).with_context(|| what.to_string()),
        Err(_) => bail!(
            "the app did not answer within {COMMAND:?} ({what}): did it crash? see its driver log"
        ),
    }
}

/// The end-to-end tests share the machine's two cores: one at a time.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// A runtime for one test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The app under test (this package's build of carnet-desktop).
pub fn app_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_test-carnet-desktop"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tauri_driver() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(home.map(|h| h.join(".cargo/bin")));
    for dir in candidates {
        let bin = dir.join("tauri-driver");
        if bin.is_file() {
            return Ok(bin);
        }
    }
    bail!("tauri-driver is not installed: run scripts/setup.sh (it runs `cargo install tauri-driver --version ^2 --locked`)")
}

/// `xvfb-run` + `tauri-driver` (+ WebKitWebDriver + the app), in their
/// own process group, killed together with SIGKILL when dropped.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(data_dir: &Path, env: &[(&str, String)], log: &Path) -> Result<Self> {
        let port = free_port();
        let native = free_port();
        let log = std::fs::File::create(log).context("driver log")?;
        let child = Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1280x1024x24"])
            .arg(tauri_driver()?)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("CARNET_DATA_DIR", data_dir)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .context("xvfb-run is missing: run scripts/setup.sh")?;
        let driver = Self { child, port };
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > PATIENCE {
                bail!("tauri-driver did not listen on port {port} within {PATIENCE:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: Xvfb, tauri-driver, WebKitWebDriver and the app.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One process's memory, in KiB.
pub struct ProcessMemory {
    /// Its command name.
    pub name: String,
    /// Resident set size: every page in memory, shared ones included.
    pub resident: u64,
    /// Proportional set size: pages shared by several processes (WebKit's
    /// libraries) divided among them.
    pub proportional: u64,
    /// Resident anonymous pages: heaps and other data, no files.
    pub anonymous: u64,
}

/// One running app, driven over WebDriver.
pub struct App {
    /// The WebDriver session.
    pub client: Client,
    driver: Option<Driver>,
    name: String,
    /// When the session was asked for: WebKitWebDriver starts the app then.
    pub asked_at: Instant,
}

/// Where screenshots and driver logs go.
pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

impl App {
    /// Start the app on `data_dir` (a fresh one shows the first-run screen).
    pub async fn launch(name: &str, data_dir: &Path, env: &[(&str, String)]) -> Result<Self> {
        let mut env = env.to_vec();
        // A French system, as the workers' laptops are.
        // (WebKit reads LANGUAGE even when the C library lacks the locale.)
        if !env.iter().any(|(k, _)| *k == "LANG") {
            env.push(("LANG", "fr_CA.UTF-8".into()));
            env.push(("LANGUAGE", "fr_CA:fr".into()));
        }
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app_bin() },
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        // The WebDriver link is plain HTTP on loopback, but the builder
        // wants a TLS provider: the same one as the rest of Carnet.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // tauri-driver may accept a connection before WebKitWebDriver behind
        // it answers (seen once, on a cold machine): the session request
        // then fails without reaching the app. Such a start is retried with
        // fresh drivers; an app that starts and then fails is not.
        let log = artifacts().join(format!("{name}.driver.log"));
        let mut attempt = 0;
        let (driver, client, asked_at) = loop {
            attempt += 1;
            let driver = Driver::start(data_dir, &env, &log)?;
            let asked_at = Instant::now();
            let session = answer(
                "WebDriver session with the app",
                ClientBuilder::rustls()?
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{}", driver.port)),
            )
            .await;
            match session {
                Ok(client) => break (driver, client, asked_at),
                Err(e) if attempt < 3 && format!("{e:#}").contains("did not respond") => {
                    drop(driver);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let app = Self {
            client,
            driver: Some(driver),
            name: name.to_string(),
            asked_at,
        };
        app.wait_for("header .brand").await?;
        Ok(app)
    }

    /// The element matching `css`, once it is there.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        let start = Instant::now();
        loop {
            if let Ok(e) = answer(css, self.client.find(Locator::Css(css))).await {
                return Ok(e);
            }
            if start.elapsed() > PATIENCE {
                bail!(
                    "expected an element matching `{css}`; the page shows: {}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Click the element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        let e = self.wait_for(css).await?;
        answer(&format!("click `{css}`"), e.click()).await
    }

    /// Type `text` into the element matching `css` (keys as a person types them).
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let e = self.wait_for(css).await?;
        answer(&format!("focus `{css}`"), e.click()).await?;
        answer(&format!("type into `{css}`"), e.send_keys(text)).await
    }

    /// The visible text of the page, shortened, for failure messages.
    pub async fn page_text(&self) -> String {
        match answer("body", self.client.find(Locator::Css("body"))).await {
            Ok(b) => {
                let t = answer("text", b.text()).await.unwrap_or_default();
                let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
                let short: String = t.chars().take(600).collect();
                format!("\"{short}\"")
            }
            Err(e) => format!("(no page: {e})"),
        }
    }

    /// Type `text` at the end of a field's content. (WebDriver puts the
    /// caret at the end when it focuses a field that was not focused.)
    pub async fn append_to(&self, css: &str, text: &str) -> Result<()> {
        answer(
            "blur",
            self.client.execute(
                "document.activeElement && document.activeElement.blur()",
                vec![],
            ),
        )
        .await?;
        let e = self.wait_for(css).await?;
        answer(&format!("type into `{css}`"), e.send_keys(text)).await
    }

    /// The rendered text of the first element matching `css` (a field's
    /// value for inputs, text areas and selects), or None if there is none.
    pub async fn text_of(&self, css: &str) -> Result<Option<String>> {
        const SCRIPT: &str = "const e = document.querySelector(arguments[0]);
            if (!e) return null;
            if (['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)) return e.value;
            return e.innerText;";
        let v = answer(css, self.client.execute(SCRIPT, vec![json!(css)])).await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// Wait until the element matching `css` contains `needle` in its text
    /// (or, for fields, its value).
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        let start = Instant::now();
        let mut last = None;
        loop {
            last = self.text_of(css).await.unwrap_or(last);
            if let Some(text) = &last {
                if text.contains(needle) {
                    return Ok(text.clone());
                }
            }
            if start.elapsed() > PATIENCE {
                let shows = match last {
                    Some(t) => format!("it shows \"{t}\""),
                    None => "there is no such element".into(),
                };
                bail!(
                    "expected `{css}` to contain \"{needle}\", {shows}; the page shows: {}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Run a script in the page and return its value.
    pub async fn script(&self, js: &str) -> Result<serde_json::Value> {
        answer("script", self.client.execute(js, vec![])).await
    }

    /// How many elements match `css` right now (an error when WebDriver
    /// does not answer, never a zero that could pass for one).
    pub async fn count(&self, css: &str) -> Result<usize> {
        answer(css, self.client.find_all(Locator::Css(css)))
            .await
            .map(|v| v.len())
    }

    /// Wait until exactly `n` elements match `css`.
    pub async fn wait_count(&self, css: &str, n: usize) -> Result<()> {
        let start = Instant::now();
        loop {
            let got = self.count(css).await?;
            if got == n {
                return Ok(());
            }
            if start.elapsed() > PATIENCE {
                bail!(
                    "expected {n} elements matching `{css}`, found {got}; the page shows: {}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Choose the `<option value=value>` of the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        let e = self.wait_for(css).await?;
        answer(
            &format!("choose {value} in `{css}`"),
            e.select_by_value(value),
        )
        .await
    }

    /// Save a screenshot named after the test (its last screen).
    pub async fn screenshot(&self, suffix: &str) -> Result<PathBuf> {
        let png = answer("screenshot", self.client.screenshot()).await?;
        let path = artifacts().join(format!("{}{suffix}.png", self.name));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// The app's processes: the app itself and WebKit's web and network
    /// processes (Xvfb and the drivers excluded), as (`/proc` entry,
    /// command name, the fields of `stat` after the name).
    fn processes(&self) -> Vec<(PathBuf, String, Vec<String>)> {
        let Some(driver) = &self.driver else {
            return Vec::new();
        };
        let group = driver.child.id().to_string();
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for p in procs.flatten() {
            let stat = std::fs::read_to_string(p.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid pgrp ...
            let Some(close) = stat.rfind(')') else {
                continue;
            };
            let comm = stat[stat.find('(').map_or(0, |i| i + 1)..close].to_string();
            let fields: Vec<String> = stat[close + 1..]
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let app_process = comm.starts_with("test-carnet")
                || comm.starts_with("WebKitWebProces")
                || comm.starts_with("WebKitNetworkPr");
            if fields.get(2) == Some(&group) && app_process {
                out.push((p.path(), comm, fields));
            }
        }
        out
    }

    /// When the app's process whose command name starts with `prefix`
    /// (`test-carnet` for the app itself, `WebKitWebProces` for the page's)
    /// started, in milliseconds since the Unix epoch (to within the
    /// kernel's 10 ms clock tick).
    pub fn started_at_ms(&self, prefix: &str) -> Option<f64> {
        let (_, _, fields) = self
            .processes()
            .into_iter()
            .find(|(_, comm, _)| comm.starts_with(prefix))?;
        // Field 22 of stat, the start time in ticks after boot (USER_HZ = 100).
        let ticks: f64 = fields.get(19)?.parse().ok()?;
        let uptime: f64 = std::fs::read_to_string("/proc/uptime")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs_f64();
        Some((now - (uptime - ticks / 100.0)) * 1e3)
    }

    /// Memory of each process of the app.
    pub fn memory_kib(&self) -> Vec<ProcessMemory> {
        self.processes()
            .into_iter()
            .map(|(path, name, _)| {
                let field = |file: &str, key: &str| -> u64 {
                    std::fs::read_to_string(path.join(file))
                        .unwrap_or_default()
                        .lines()
                        .find_map(|l| l.strip_prefix(key))
                        .and_then(|v| v.split_whitespace().next())
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                };
                ProcessMemory {
                    resident: field("status", "VmRSS:"),
                    proportional: field("smaps_rollup", "Pss:"),
                    anonymous: field("status", "RssAnon:"),
                    name,
                }
            })
            .collect()
    }

    /// Kill the app (and its display) at once, as a crash or power cut would.
    pub fn kill(mut self) {
        self.driver.take();
    }

    /// End the test: screenshot the last screen, close, and fail with the
    /// outcome's message if it failed.
    pub async fn finish(mut self, outcome: Result<()>) {
        let shot = self.screenshot("").await;
        let _ = answer("close", self.client.clone().close()).await;
        self.driver.take();
        if let Err(e) = outcome {
            let shot = shot
                .map(|p| p.display().to_string())
                .unwrap_or_else(|e| format!("(no screenshot: {e})"));
            panic!("{}: {e:#}\n(last screen: {shot})", self.name);
        }
    }
}

/// Fail the test with `e` (for errors before an app is running).
pub fn fail(e: anyhow::Error) -> ! {
    panic!("{e:#}")
}

/// `Err` unless `cond`.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(anyhow!(msg()))
    }
}
