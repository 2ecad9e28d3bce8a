//! Encryption at rest, against real files and the real secret store (the
//! test script runs the tests in a D-Bus session with gnome-keyring):
//! none of a note's words in any file of the notebook; the wrong
//! passphrase refused with nothing changed; a passphrase changed without
//! re-encrypting; a plain notebook of an earlier Carnet encrypted on first
//! open, and whole after a SIGKILL at any moment of that conversion.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use carnet_client::store::keys;
use carnet_client::{ClientError, Environment, Notebook, Passphrase, Protection, Unlock};
use carnet_core::vocab::Method;
use carnet_core::ErrorKind;
use rand::{Rng, SeedableRng};

/// Words no generator writes, to look for in the raw bytes.
const MARKER: &str = "Quetzalcoatlmarqueur";

fn with_passphrase(seed: u64, text: &str) -> Environment {
    Environment {
        unlock: Unlock::Passphrase(Passphrase::choose(text).expect("long enough")),
        ..common::env(seed)
    }
}

/// Every file in `dir`, read whole.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn assert_no_trace(dir: &Path, needle: &str) {
    for (name, bytes) in files(dir) {
        assert!(
            !holds(&bytes, needle.as_bytes()),
            "{name} holds '{needle}' in clear"
        );
    }
}

fn holds_marker(nb: &mut Notebook, id: carnet_core::RecordId) -> bool {
    nb.get(id)
        .expect("note")
        .to_json()
        .to_string()
        .contains(MARKER)
}

fn note_with_marker(nb: &mut Notebook) -> carnet_core::RecordId {
    nb.create_note(common::note(
        Method::Outreach,
        &format!("Rencontre {MARKER}"),
        &format!("Au café, {MARKER} raconte son quartier."),
    ))
    .expect("note")
}

#[test]
fn no_file_of_the_notebook_holds_a_note_s_words() {
    let dir = tempfile::tempdir().expect("dir");
    let mut nb = Notebook::create(dir.path(), "Équipe", "Aline", common::env(1)).expect("create");
    let id = note_with_marker(&mut nb);
    // The note is in the write-ahead log now: it must not be readable there.
    assert!(
        dir.path().join("notebook.db-wal").exists(),
        "the log is there to look into"
    );
    assert_no_trace(dir.path(), MARKER);
    // And once checkpointed into the database file.
    nb.checkpoint().expect("checkpoint");
    drop(nb);
    assert_no_trace(dir.path(), MARKER);
    assert_eq!(
        keys::protection(dir.path()).expect("protection"),
        Protection::SecretStore
    );
    // Yet the notebook opens silently and holds the note.
    let mut nb = Notebook::open(dir.path(), common::env(2)).expect("open");
    assert!(holds_marker(&mut nb, id));
}

#[test]
fn a_passphrase_opens_the_notebook_and_a_wrong_one_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let id = {
        let mut nb = Notebook::create(
            dir.path(),
            "Équipe",
            "Aline",
            with_passphrase(1, "le parc des Érables au printemps"),
        )
        .expect("create");
        note_with_marker(&mut nb)
    };
    assert_no_trace(dir.path(), MARKER);
    assert_eq!(
        keys::protection(dir.path()).expect("protection"),
        Protection::Passphrase
    );
    let before = files(dir.path());

    let err = Notebook::open(
        dir.path(),
        with_passphrase(2, "le parc des Érables en hiver"),
    )
    .expect_err("a wrong passphrase");
    assert_eq!(err.kind(), ErrorKind::WrongPassphrase);
    assert!(err.to_string().contains("does not unlock"), "{err}");
    let err = Notebook::open(dir.path(), common::env(3)).expect_err("no passphrase");
    assert!(matches!(err, ClientError::Locked), "{err:?}");
    assert_eq!(files(dir.path()), before, "nothing was touched");

    // Changed: the old one stops working, the data was not re-encrypted.
    let old = Unlock::Passphrase(Passphrase::new("le parc des Érables au printemps").expect("p"));
    let new = Unlock::Passphrase(Passphrase::choose("une autre phrase, plus longue").expect("p"));
    let db_before = std::fs::read(dir.path().join("notebook.db")).expect("db");
    keys::change(dir.path(), &old, &new).expect("change");
    assert_eq!(
        std::fs::read(dir.path().join("notebook.db")).expect("db"),
        db_before,
        "the database is the same bytes: only the key's seal changed"
    );
    assert_eq!(
        Notebook::open(
            dir.path(),
            with_passphrase(4, "le parc des Érables au printemps")
        )
        .expect_err("the old passphrase")
        .kind(),
        ErrorKind::WrongPassphrase
    );
    let mut nb = Notebook::open(
        dir.path(),
        with_passphrase(5, "une autre phrase, plus longue"),
    )
    .expect("the new passphrase");
    assert!(holds_marker(&mut nb, id));
    drop(nb);

    // Moved to the secret store: it opens without a passphrase.
    keys::change(dir.path(), &new, &Unlock::SecretStore).expect("to the secret store");
    assert_eq!(
        keys::protection(dir.path()).expect("protection"),
        Protection::SecretStore
    );
    Notebook::open(dir.path(), common::env(6)).expect("silent");

    assert!(
        Passphrase::choose("court").is_err(),
        "a short new passphrase is refused"
    );
}

/// The process id of the session's Secret Service (the keyring daemon),
/// asked of the session's bus, or None while none runs.
fn secret_service_pid() -> Option<u32> {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .expect("dbus-send runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().last()?.parse().ok()
}

#[test]
fn notebooks_open_after_the_secret_store_stopped_and_started_again() {
    assert!(
        std::env::var_os("CARNET_SECRET_SESSION").is_some(),
        "run through scripts/with-secret-store.sh: this test stops the session's keyring daemon"
    );
    let dir = tempfile::tempdir().expect("dir");
    let id = {
        let mut nb =
            Notebook::create(dir.path(), "Équipe", "Aline", common::env(1)).expect("create");
        note_with_marker(&mut nb)
    };
    let pid = secret_service_pid().expect("the session's secret store runs");
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !Path::new(&format!("/proc/{pid}")).exists()
    });
    assert!(gone, "the keyring daemon {pid} stopped");

    // The session starts another on demand; it opens the same keyring.
    let mut nb = Notebook::open(dir.path(), common::env(2)).expect("opens from a new daemon");
    assert!(holds_marker(&mut nb, id));
    let again = secret_service_pid().expect("a new secret store");
    assert_ne!(again, pid, "a new daemon answered");
    // And a new notebook seals its key there too.
    let other = tempfile::tempdir().expect("dir");
    drop(Notebook::create(other.path(), "Équipe", "Béa", common::env(3)).expect("create"));
    Notebook::open(other.path(), common::env(4)).expect("the new notebook opens");
}

#[test]
fn a_damaged_or_missing_key_file_is_reported_and_the_database_left_alone() {
    let dir = tempfile::tempdir().expect("dir");
    drop(Notebook::create(dir.path(), "Équipe", "Aline", common::env(1)).expect("create"));
    let key = dir.path().join(keys::KEY_FILE);
    let db = std::fs::read(dir.path().join("notebook.db")).expect("db");

    std::fs::write(&key, "{ not json").expect("damage");
    let err = Notebook::open(dir.path(), common::env(2)).expect_err("damaged key file");
    assert_eq!(err.kind(), ErrorKind::NotANotebook);
    assert!(err.to_string().contains("key file is damaged"), "{err}");

    std::fs::remove_file(&key).expect("remove");
    let err = Notebook::open(dir.path(), common::env(3)).expect_err("missing key file");
    assert!(err.to_string().contains("key file"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("notebook.db")).expect("db"),
        db,
        "the database is untouched"
    );

    // Another notebook's key does not open this one.
    let other = tempfile::tempdir().expect("dir");
    drop(Notebook::create(other.path(), "Autre", "Jean", common::env(4)).expect("create"));
    std::fs::copy(other.path().join(keys::KEY_FILE), &key).expect("copy");
    let err = Notebook::open(dir.path(), common::env(5)).expect_err("a foreign key");
    assert_eq!(err.kind(), ErrorKind::NotANotebook);
    assert!(err.to_string().contains("do not belong together"), "{err}");
}

/// A plain notebook, as an earlier Carnet left it: `records` demo records
/// and one note with the marker, decrypted into `dir`.
fn plain_notebook(dir: &Path, records: usize) -> i64 {
    let made = tempfile::tempdir().expect("dir");
    let count = {
        let mut nb = Notebook::create(made.path(), "Équipe", "Aline", common::env(9)).expect("nb");
        nb.fill_demo(records, 5, |_| {}).expect("demo");
        note_with_marker(&mut nb);
        let c = nb.counts().expect("counts");
        c.notes + c.persons + c.places + c.resources
    };
    let conn = common::raw_db(made.path());
    let plain = dir.join("notebook.db");
    conn.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        [plain.to_string_lossy()],
    )
    .expect("attach");
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .expect("export");
    let (app, version): (i64, i64) = (
        conn.query_row("PRAGMA application_id", [], |r| r.get(0))
            .expect("id"),
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version"),
    );
    conn.execute_batch(&format!(
        "PRAGMA plain.application_id = {app}; PRAGMA plain.user_version = {version}; DETACH DATABASE plain;"
    ))
    .expect("ids");
    assert!(keys::is_plain(&plain).expect("header"));
    assert!(holds(
        &std::fs::read(&plain).expect("read"),
        MARKER.as_bytes()
    ));
    count
}

fn records_in(dir: &Path) -> i64 {
    let nb = Notebook::open(dir, common::env(11)).expect("opens");
    let c = nb.counts().expect("counts");
    c.notes + c.persons + c.places + c.resources
}

#[test]
fn a_plain_notebook_is_encrypted_when_first_opened() {
    let dir = tempfile::tempdir().expect("dir");
    let count = plain_notebook(dir.path(), 50);
    assert_eq!(
        keys::protection(dir.path()).expect("protection"),
        Protection::Plain
    );
    assert_eq!(records_in(dir.path()), count, "every record is there");
    assert_eq!(
        keys::protection(dir.path()).expect("protection"),
        Protection::SecretStore
    );
    assert_no_trace(dir.path(), MARKER);
    let names: Vec<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
    assert!(
        !names.iter().any(|n| n.contains("encrypting")),
        "no copy is left behind: {names:?}"
    );
}

#[test]
fn a_conversion_killed_at_any_moment_leaves_one_whole_notebook() {
    let template = tempfile::tempdir().expect("dir");
    let count = plain_notebook(template.path(), 1_500);
    // How long a whole conversion takes, to kill within it.
    let timed = tempfile::tempdir().expect("dir");
    std::fs::copy(
        template.path().join("notebook.db"),
        timed.path().join("notebook.db"),
    )
    .expect("copy");
    let start = std::time::Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .arg("--data-dir")
        .arg(timed.path())
        .arg("check")
        .stdout(Stdio::null())
        .status()
        .expect("carnet check");
    assert!(status.success());
    let whole = start.elapsed();

    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5EC2E7);
    let mut outcomes = (0, 0);
    // The conversion comes first, before the check reads every record:
    // the kills land in the first part of the run.
    let window = (whole.as_millis() as u64 * 2 / 5).max(2);
    // At least 20 kills, and more (up to 60) until some landed on each
    // side of the rename.
    for run in 0..60 {
        if run >= 20 && outcomes.0 > 0 && outcomes.1 > 0 {
            break;
        }
        let dir = tempfile::tempdir().expect("dir");
        std::fs::copy(
            template.path().join("notebook.db"),
            dir.path().join("notebook.db"),
        )
        .expect("copy");
        let mut child = Command::new(env!("CARGO_BIN_EXE_carnet"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("check")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let wait = rng.gen_range(0..window);
        std::thread::sleep(Duration::from_millis(wait));
        let _ = child.kill();
        let _ = child.wait();
        match keys::protection(dir.path()).expect("a notebook is there") {
            Protection::Plain => outcomes.0 += 1,
            _ => outcomes.1 += 1,
        }
        assert_eq!(
            records_in(dir.path()),
            count,
            "after the kill of run {run} ({wait} ms in), every record is there"
        );
        assert_no_trace(dir.path(), MARKER);
    }
    eprintln!(
        "conversion and check {} ms; killed before the rename {} times, after {} times",
        whole.as_millis(),
        outcomes.0,
        outcomes.1
    );
    assert!(
        outcomes.0 > 0 && outcomes.1 > 0,
        "kills landed both before and after the rename: {outcomes:?}"
    );
}
