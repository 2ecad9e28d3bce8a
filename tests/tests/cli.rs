//! The `carnet` command line against a real server, as a coordinator and
//! a worker use it from their terminals: join, sync, status, history and
//! conflicts of a note both edited offline, check and rebuild, the team's
//! invitations, devices and revocation, and erasure.

mod common;

use std::path::Path;
use std::process::Command;

use common::{carnet_bin, TestServer};

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn carnet(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(carnet_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("CARNET_DATA_DIR")
        .output()
        .expect("carnet runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run and insist it succeeds; its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let r = carnet(dir, args);
    assert!(
        r.ok,
        "`carnet {}` should succeed; it said: {}{}",
        args.join(" "),
        r.stdout,
        r.stderr
    );
    r.stdout
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = ok(dir, args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`{}` prints JSON ({e}): {out}", args.join(" ")))
}

#[test]
fn a_coordinator_and_a_worker_run_their_team_from_the_command_line() {
    let server = TestServer::start();
    let (_, code) = server.create_team("Pôle MN", "Aline");
    let aline = tempfile::tempdir().expect("dir");
    let jean = tempfile::tempdir().expect("dir");
    let (a, j) = (aline.path(), jean.path());

    // Joining prints the device's id.
    let aline_device = ok(
        a,
        &[
            "join",
            "--server",
            &server.url,
            "--code",
            &code,
            "--device-name",
            "portable-aline",
        ],
    );
    assert_eq!(aline_device.trim().len(), 36, "a device id: {aline_device}");
    let invite = json(a, &["team", "invite", "--role", "worker", "--json"]);
    let jean_code = invite["code"].as_str().expect("a code");
    let jean_device = ok(
        j,
        &[
            "join",
            "--server",
            &server.url,
            "--code",
            jean_code,
            "--member",
            "Jean",
        ],
    );
    let jean_device = jean_device.trim().to_string();

    // A note both edit offline: a concurrent review status.
    let note = ok(
        a,
        &[
            "note",
            "add",
            "--method",
            "outreach",
            "--title",
            "Au parc",
            "--body",
            "Deux aînés",
        ],
    );
    let note = note.trim();
    ok(a, &["sync"]);
    ok(j, &["sync"]);
    ok(a, &["note", "edit", note, "--status", "to-review"]);
    ok(
        j,
        &[
            "note",
            "edit",
            note,
            "--status",
            "reviewed",
            "--append",
            "Jean repassera.",
        ],
    );
    ok(a, &["sync"]);
    ok(j, &["sync"]);
    ok(a, &["sync"]);

    let conflicts = json(a, &["conflicts", note, "--json"]);
    let review = conflicts
        .as_array()
        .and_then(|c| c.iter().find(|c| c["path"] == "review"))
        .unwrap_or_else(|| panic!("the review status holds two values: {conflicts}"));
    let mut values: Vec<&str> = review["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|v| v["value"].as_str())
        .collect();
    values.sort();
    assert_eq!(values, ["reviewed", "to-review"]);
    let text = ok(a, &["conflicts", note]);
    assert!(text.starts_with("review: "), "{text}");
    let every = ok(a, &["conflicts"]);
    assert!(
        every.contains(note) && every.contains("  review: "),
        "without an id, every record with concurrent values: {every}"
    );

    // What the worker changed, in the coordinator's inbox, then seen.
    let inbox = json(a, &["inbox", "--json"]);
    let item = inbox
        .as_array()
        .and_then(|i| i.iter().find(|i| i["id"] == note))
        .unwrap_or_else(|| panic!("the note is in the inbox: {inbox}"));
    assert!(
        item["by"].as_array().is_some_and(|b| !b.is_empty()),
        "{item}"
    );
    let listed = ok(a, &["inbox"]);
    assert!(listed.contains(note), "{listed}");
    let shown = ok(a, &["inbox", "show", note]);
    assert!(
        shown.contains("review: "),
        "the review status before → after: {shown}"
    );
    ok(a, &["inbox", "seen", "--all"]);
    assert!(ok(a, &["inbox"]).contains("Nothing new since you last looked."));
    let again = ok(a, &["inbox", "--all"]);
    assert!(again.contains("(seen)"), "{again}");

    let history = ok(a, &["history", note]);
    assert!(
        history
            .lines()
            .any(|l| l.contains("Aline") && l.ends_with("created")),
        "{history}"
    );
    assert!(
        history
            .lines()
            .any(|l| l.contains("Jean") && l.contains("review")),
        "{history}"
    );
    let entries = json(j, &["history", note, "--json"]);
    assert_eq!(
        entries.as_array().map(Vec::len),
        Some(3),
        "created, then one edit each: {entries}"
    );

    // Status, check and rebuild.
    let status = json(j, &["status", "--json"]);
    assert_eq!(status["role"], "worker");
    assert_eq!(status["team"], "Pôle MN");
    assert_eq!(status["waiting"], 0);
    assert!(status["last_sync"].is_string(), "{status}");
    assert!(ok(j, &["status"]).contains("(team Pôle MN, worker)"));
    assert_eq!(
        ok(j, &["check"]).trim(),
        "Encrypted; its key is kept by the desktop's secret store.\nEvery record opens."
    );
    let rebuilt = ok(j, &["rebuild"]);
    assert_eq!(
        rebuilt.trim(),
        "Rebuilt lists and search from 2 records.",
        "the workspace and the note"
    );
    let listed = json(j, &["note", "list", "--json"]);
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "the journal after the rebuild: {listed}"
    );

    // A worker may not erase, invite or list devices.
    let refused = carnet(j, &["erase", note, "--reason", "je voudrais"]);
    assert!(
        !refused.ok && refused.stderr.contains("coordinator"),
        "{}",
        refused.stderr
    );
    let refused = carnet(j, &["team", "devices"]);
    assert!(!refused.ok, "a worker lists no devices");

    // The coordinator sees both devices, revokes Jean's.
    let devices = json(a, &["team", "devices", "--json"]);
    let ids: Vec<&str> = devices
        .as_array()
        .expect("devices")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert!(
        ids.contains(&aline_device.trim()) && ids.contains(&jean_device.as_str()),
        "{devices}"
    );
    ok(a, &["team", "revoke", &jean_device]);
    let lines = ok(a, &["team", "devices"]);
    assert!(
        lines
            .lines()
            .any(|l| l.starts_with(&jean_device) && l.ends_with("revoked")),
        "{lines}"
    );
    let revoked = carnet(j, &["sync"]);
    assert!(
        !revoked.ok && revoked.stderr.contains("revoked"),
        "{}",
        revoked.stderr
    );
    assert!(
        ok(j, &["show", note]).contains("Au parc"),
        "a revoked device keeps its notes"
    );

    // Erasure: gone from the coordinator's notebook, refused for good.
    let reasonless = carnet(a, &["erase", note, "--reason", "  "]);
    assert!(
        !reasonless.ok && reasonless.stderr.contains("say why"),
        "{}",
        reasonless.stderr
    );
    ok(a, &["erase", note, "--reason", "contient un nom"]);
    let gone = carnet(a, &["show", note]);
    assert!(
        !gone.ok && gone.stderr.contains("no record"),
        "{}",
        gone.stderr
    );
    assert!(ok(a, &["check"]).trim().ends_with("\nEvery record opens."));
}

#[test]
fn a_bad_id_or_a_personal_notebook_gets_a_sentence_not_a_trace() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(d, &["init", "--team", "Perso", "--member", "Aline"]);
    let bad = carnet(d, &["history", "pas-un-id"]);
    assert!(
        !bad.ok && bad.stderr.contains("not a valid record id"),
        "{}",
        bad.stderr
    );
    let unknown = carnet(d, &["conflicts", "0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7d"]);
    assert!(
        !unknown.ok && unknown.stderr.contains("no record"),
        "{}",
        unknown.stderr
    );
    assert!(ok(d, &["status"]).contains("Personal notebook"));
    let not_joined = carnet(d, &["sync"]);
    assert!(
        !not_joined.ok && not_joined.stderr.contains("not joined"),
        "{}",
        not_joined.stderr
    );
    for r in [&bad, &unknown, &not_joined] {
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn passages_are_coded_listed_merged_and_uncoded_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(d, &["init", "--team", "Clic Social", "--member", "Nadia"]);
    let note = ok(
        d,
        &[
            "note",
            "add",
            "--method",
            "outreach",
            "--title",
            "Café du coin",
            "--body",
            "Il dit que le loyer a doublé et qu'il ne voit plus personne.",
        ],
    )
    .trim()
    .to_string();
    let coded = ok(
        d,
        &[
            "code",
            &note,
            "--text",
            "ne voit plus personne",
            "--theme",
            "isolement",
            "--theme",
            "sante-mentale",
        ],
    );
    assert_eq!(coded.lines().count(), 2, "one coding per theme: {coded}");
    ok(
        d,
        &[
            "code",
            &note,
            "--field",
            "body",
            "--text",
            "le loyer a doublé",
            "--theme",
            "logement",
        ],
    );

    let page = json(d, &["passages", "--theme", "isolement", "--json"]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["text"], "ne voit plus personne");
    assert_eq!(page["items"][0]["title"], "Café du coin");
    assert_eq!(page["items"][0]["field"], "body");
    let listed = ok(d, &["passages", "--theme", "logement"]);
    assert!(listed.contains("« le loyer a doublé »"), "{listed}");

    let missing = carnet(
        d,
        &[
            "code",
            &note,
            "--text",
            "pas dans la note",
            "--theme",
            "logement",
        ],
    );
    assert!(
        !missing.ok && missing.stderr.contains("not in this text"),
        "{}",
        missing.stderr
    );
    let unknown = carnet(d, &["code", &note, "--text", "loyer", "--theme", "volcans"]);
    assert!(
        !unknown.ok && unknown.stderr.contains("unknown theme 'volcans'"),
        "{}",
        unknown.stderr
    );

    ok(d, &["theme", "merge", "sante-mentale", "isolement"]);
    let merged = json(d, &["passages", "--theme", "isolement", "--json"]);
    assert_eq!(
        merged["total"], 1,
        "the passage coded with both themes is now coded once: {merged}"
    );
    let themes = ok(d, &["theme", "list"]);
    assert!(
        themes.contains("sante-mentale") && themes.contains("(merged into isolement)"),
        "{themes}"
    );

    let coding = merged["items"][0]["coding"]
        .as_str()
        .expect("id")
        .to_string();
    ok(d, &["uncode", &note, &coding]);
    assert_eq!(
        json(d, &["passages", "--theme", "isolement", "--json"])["total"],
        0
    );
    let check = ok(d, &["check"]);
    assert!(!check.contains("damaged"), "{check}");
}

#[test]
fn law_25_duties_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(d, &["init", "--team", "Clic Social", "--member", "Nadia"]);
    let person = ok(
        d,
        &[
            "person",
            "add",
            "--pseudonym",
            "CS-0125",
            "--language",
            "en",
        ],
    )
    .trim()
    .to_string();
    // Sharing identity needs that consent; the refusal says so.
    let refused = carnet(
        d,
        &[
            "referral",
            "add",
            "--person",
            &person,
            "--service",
            "Popote roulante",
            "--need",
            "food-insecurity",
            "--share-identity",
        ],
    );
    assert!(
        !refused.ok
            && refused
                .stderr
                .contains("has not consented to their identity being shared"),
        "{}",
        refused.stderr
    );
    ok(
        d,
        &[
            "person",
            "consent",
            &person,
            "--purpose",
            "identifying-details",
        ],
    );
    ok(
        d,
        &[
            "person",
            "consent",
            &person,
            "--purpose",
            "sharing-with-partners",
            "--how",
            "written",
        ],
    );
    ok(
        d,
        &[
            "person",
            "identity",
            &person,
            "--name",
            "Prudence Lamontagne",
        ],
    );
    ok(
        d,
        &[
            "referral",
            "add",
            "--person",
            &person,
            "--service",
            "Popote roulante",
            "--need",
            "food-insecurity",
            "--share-identity",
        ],
    );
    let withdrawn = ok(
        d,
        &[
            "person",
            "consent",
            &person,
            "--purpose",
            "identifying-details",
            "--withdraw",
        ],
    );
    assert!(
        withdrawn.contains("removed: the person's name, phone and address"),
        "{withdrawn}"
    );
    let unshared = ok(
        d,
        &[
            "person",
            "consent",
            &person,
            "--purpose",
            "sharing-with-partners",
            "--withdraw",
        ],
    );
    assert!(unshared.contains("identity from 1 referral"), "{unshared}");

    // Their data, in their language (English), recorded.
    let out = d.join("for-her");
    let files = ok(
        d,
        &[
            "person",
            "export",
            &person,
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    let json_path = files.lines().next().expect("the JSON's path");
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).expect("json")).expect("json");
    assert_eq!(export["person"]["pseudonym"], "CS-0125");
    assert_eq!(export["person"]["name"], serde_json::Value::Null);
    assert_eq!(export["consents"].as_array().map(Vec::len), Some(4));
    let pdf = common::pdf_text(Path::new(files.lines().nth(1).expect("the PDF's path")));
    assert!(pdf.contains("Your information"), "{pdf}");

    // The file rewritten without its history: a new id, the old one gone.
    let fresh = ok(
        d,
        &[
            "person",
            "rewrite",
            &person,
            "--reason",
            "consent withdrawn",
        ],
    )
    .trim()
    .to_string();
    assert_ne!(fresh, person);
    assert!(!carnet(d, &["show", &person]).ok, "the old file is gone");
    assert!(
        ok(d, &["show", &fresh]).contains("CS-0125"),
        "the new one holds the person"
    );

    // The register of incidents, from a JSON file, exported in both forms.
    let entry = d.join("incident.json");
    std::fs::write(
        &entry,
        r#"{"title": "Clé USB perdue", "information": "Sauvegarde chiffrée", "circumstances": "Perdue au local",
            "occurred_from": "2026-11-28", "aware_on": "2026-11-30", "persons_concerned": 80,
            "persons_estimated": true, "measures": "Phrase de passe de sauvegarde changée"}"#,
    )
    .expect("write");
    let id = ok(d, &["incident", "add", entry.to_str().expect("utf-8")])
        .trim()
        .to_string();
    let listed = ok(d, &["incident", "list"]);
    assert!(
        listed.contains(&id) && listed.contains("to complete: sensitivity"),
        "{listed}"
    );
    let bad = d.join("bad.json");
    std::fs::write(&bad, r#"{"title": "Sans dates"}"#).expect("write");
    let r = carnet(d, &["incident", "add", bad.to_str().expect("utf-8")]);
    assert!(
        !r.ok && r.stderr.contains("is not a valid entry"),
        "{}",
        r.stderr
    );
    let csv = d.join("register.csv");
    ok(
        d,
        &[
            "incident",
            "export",
            "--format",
            "csv",
            "--out",
            csv.to_str().expect("utf-8"),
            "--lang",
            "en",
        ],
    );
    let table = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        table.starts_with("Incident,Information concerned,"),
        "{table}"
    );
    assert!(
        table.contains("Clé USB perdue") && table.contains("about 80"),
        "{table}"
    );
    let pdf = d.join("register.pdf");
    ok(
        d,
        &[
            "incident",
            "export",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().expect("utf-8"),
        ],
    );
    assert!(common::pdf_text(&pdf).contains("Registre des incidents"));

    // The retention policy and its review.
    ok(d, &["retention", "set", "--inactive-months", "24"]);
    let review = json(d, &["retention", "review", "--json"]);
    assert_eq!(review["policy"]["inactive_person_months"], 24);
    assert_eq!(
        review["persons"].as_array().map(Vec::len),
        Some(0),
        "nobody is inactive yet"
    );
}

/// A service of friendly visits for social isolation added to the
/// organisation `org`, with `more` options; its id.
fn friendly_visits(dir: &Path, org: &str, more: &[&str]) -> String {
    let mut args = vec![
        "resource",
        "service",
        "add",
        org,
        "--name-fr",
        "Visites d'amitié",
        "--name-en",
        "Friendly visits",
        "--need",
        "social-isolation",
    ];
    args.extend_from_slice(more);
    ok(dir, &args).trim().to_string()
}

/// A new person of that pseudonym referred to `service` for social
/// isolation: the person's id and the referral's.
fn refer_someone(dir: &Path, pseudonym: &str, service: &str) -> (String, String) {
    let person = ok(dir, &["person", "add", "--pseudonym", pseudonym])
        .trim()
        .to_string();
    let referral = ok(
        dir,
        &[
            "referral",
            "add",
            "--person",
            &person,
            "--service",
            service,
            "--need",
            "social-isolation",
        ],
    )
    .trim()
    .to_string();
    (person, referral)
}

#[test]
fn the_directory_is_kept_and_exchanged_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    ok(d, &["init", "--team", "Clic Social", "--member", "Nadia"]);
    let org = ok(
        d,
        &[
            "resource",
            "add",
            "--name-fr",
            "Popote roulante de l'Est",
            "--name-en",
            "East Meals on Wheels",
            "--need",
            "food-insecurity",
            "--language",
            "fr",
            "--language",
            "en",
            "--phone",
            "514-555-0150",
        ],
    )
    .trim()
    .to_string();
    let service = friendly_visits(d, &org, &["--hours", "Jeudi"]);
    ok(
        d,
        &[
            "resource",
            "location",
            "add",
            &org,
            "--name",
            "Cuisine",
            "--sector",
            "Mercier-Est",
        ],
    );
    let listed = json(
        d,
        &[
            "resource",
            "list",
            "--sector",
            "mercier-est",
            "--words",
            "POPOTE",
            "--json",
        ],
    );
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["services"], 2);
    let form = json(d, &["resource", "show", &org]);
    assert_eq!(form["services"][1]["id"], service.as_str());
    // A bad edit is refused with a sentence and changes nothing.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"name_fr": "Popote", "email": "pas un courriel"}"#).expect("write");
    let refused = carnet(d, &["resource", "edit", &org, bad.to_str().expect("path")]);
    assert!(
        !refused.ok && refused.stderr.contains("not an email address"),
        "{}",
        refused.stderr
    );
    // A referral to that service, answered and closed with its outcome.
    let (person, referral) = refer_someone(d, "CS-0200", &service);
    ok(d, &["referral", "accept", &referral]);
    let bad = carnet(d, &["referral", "close", &referral, "--outcome", "great"]);
    assert!(
        !bad.ok && bad.stderr.contains("received"),
        "the outcomes are listed: {}",
        bad.stderr
    );
    let closed = ok(
        d,
        &[
            "referral",
            "close",
            &referral,
            "--outcome",
            "partly",
            "--note",
            "Deux visites sur quatre",
        ],
    );
    assert_eq!(closed.trim(), "completed");
    let listed = json(d, &["referral", "list", "--json"]);
    assert_eq!(
        listed[0]["service"],
        "Popote roulante de l'Est — Visites d'amitié"
    );
    assert_eq!(listed[0]["service_id"], service.as_str());
    assert_eq!(listed[0]["result"], "partly");
    assert_eq!(listed[0]["outcome"], "Deux visites sur quatre");
    // Its thread: written, read back named; an empty message is refused.
    let said = ok(
        d,
        &[
            "referral",
            "message",
            &referral,
            "--text",
            "CS-0200 revient jeudi",
        ],
    );
    assert!(!said.trim().is_empty(), "the message's id");
    let thread = json(d, &["referral", "thread", &referral, "--json"]);
    assert_eq!(thread["messages"][0]["text"], "CS-0200 revient jeudi");
    assert_eq!(thread["messages"][0]["mine"], true);
    assert_eq!(thread["steps"][1]["status"], "accepted");
    let empty = carnet(d, &["referral", "message", &referral, "--text", "  "]);
    assert!(
        !empty.ok && empty.stderr.contains("empty"),
        "{}",
        empty.stderr
    );
    ok(d, &["resource", "service", "retire", &org, &service]);
    let refused = carnet(
        d,
        &[
            "referral",
            "add",
            "--person",
            &person,
            "--service",
            &service,
            "--need",
            "social-isolation",
        ],
    );
    assert!(
        !refused.ok && refused.stderr.contains("no longer offers"),
        "a retired service takes no referral: {}",
        refused.stderr
    );
    let listed = json(
        d,
        &["resource", "list", "--need", "social-isolation", "--json"],
    );
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(0),
        "a retired service's need is not offered"
    );
    ok(d, &["resource", "retire", &org]);
    assert_eq!(
        json(d, &["resource", "list", "--json"])
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        json(d, &["resource", "list", "--all", "--json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    ok(d, &["resource", "retire", &org, "--undo"]);
    ok(d, &["resource", "verify", &org]);

    // Out as HSDS, into another notebook, reported row by row.
    let out = dir.path().join("hsds");
    ok(
        d,
        &[
            "directory",
            "export",
            "--format",
            "hsds",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    let other = tempfile::tempdir().expect("dir");
    ok(
        other.path(),
        &["init", "--team", "Pôle Sherbrooke", "--member", "Roxanne"],
    );
    std::fs::write(
        out.join("phones.csv"),
        format!(
            "{}x1,,,,\n",
            std::fs::read_to_string(out.join("phones.csv")).expect("phones")
        ),
    )
    .expect("append a bad row");
    let report = carnet(
        other.path(),
        &[
            "directory",
            "import",
            "--format",
            "hsds",
            out.to_str().expect("path"),
        ],
    );
    assert!(report.ok, "{}", report.stderr);
    assert!(
        report.stdout.contains("1 organisation(s) added"),
        "{}",
        report.stdout
    );
    assert!(
        report.stderr.contains("phones.csv:3: it has no number"),
        "{}",
        report.stderr
    );
    let copied = json(
        other.path(),
        &["resource", "list", "--words", "popote", "--json"],
    );
    assert_eq!(copied[0]["name_en"], "East Meals on Wheels");
}

#[test]
fn a_partner_organisation_answers_a_referral_from_the_command_line() {
    let server = TestServer::start();
    let (_, code) = server.create_team("Clic Social", "Nadia");
    let nadia = tempfile::tempdir().expect("dir");
    let paul = tempfile::tempdir().expect("dir");
    let (n, p) = (nadia.path(), paul.path());
    ok(n, &["join", "--server", &server.url, "--code", &code]);
    let org = ok(
        n,
        &[
            "resource",
            "add",
            "--name-fr",
            "Carrefour des aînés",
            "--name-en",
            "Seniors' Crossroads",
        ],
    )
    .trim()
    .to_string();
    let service = friendly_visits(n, &org, &[]);
    let (_, referral) = refer_someone(n, "CS-0300", &service);
    ok(n, &["sync"]);

    // A partner's invitation needs the organisation it answers for.
    let refused = carnet(n, &["team", "invite", "--role", "partner"]);
    assert!(
        !refused.ok && refused.stderr.contains("organisation"),
        "{}",
        refused.stderr
    );
    let invite = json(
        n,
        &[
            "team",
            "invite",
            "--role",
            "partner",
            "--organisation",
            &org,
            "--json",
        ],
    );
    let partner_code = invite["code"].as_str().expect("a code");
    ok(
        p,
        &[
            "join",
            "--server",
            &server.url,
            "--code",
            partner_code,
            "--member",
            "Paul",
        ],
    );
    // The partner's device lists the referral, named by its pseudonym
    // only, and answers it.
    let received = json(p, &["referral", "list", "--json"]);
    assert_eq!(received.as_array().map(Vec::len), Some(1), "{received}");
    assert_eq!(received[0]["id"], referral.as_str(), "{received}");
    assert_eq!(received[0]["pseudonym"], "CS-0300", "{received}");
    assert!(received[0]["identity"].is_null(), "{received}");
    ok(p, &["referral", "accept", &referral]);
    ok(
        p,
        &[
            "referral",
            "message",
            &referral,
            "--text",
            "Première visite jeudi",
        ],
    );
    let closed = ok(
        p,
        &["referral", "close", &referral, "--outcome", "received"],
    );
    assert_eq!(closed.trim(), "completed");
    ok(p, &["sync"]);

    // The link worker sees the answer, the outcome and the message.
    ok(n, &["sync"]);
    let listed = json(n, &["referral", "list", "--json"]);
    assert_eq!(listed[0]["id"], referral.as_str(), "{listed}");
    assert_eq!(listed[0]["result"], "received", "{listed}");
    let thread = json(n, &["referral", "thread", &referral, "--json"]);
    assert_eq!(thread["messages"][0]["text"], "Première visite jeudi");
    assert_eq!(thread["messages"][0]["by"], "Paul");
    assert_eq!(thread["messages"][0]["mine"], false);
}
