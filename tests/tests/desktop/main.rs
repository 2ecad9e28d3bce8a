//! End-to-end tests of the desktop app: the real app (this package's
//! build of carnet-desktop) under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, with real notebooks on disk and a real sync server on
//! loopback. Run one at a time; each saves a screenshot of its last screen
//! in `target/e2e-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod harness;

use anyhow::Result;
use harness::{ensure, fail, one_at_a_time, runtime, App};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// How many records "explore with demo data" makes in these tests.
const DEMO: usize = 300;

fn demo_env() -> Vec<(&'static str, String)> {
    vec![("CARNET_DEMO_RECORDS", DEMO.to_string())]
}

/// Run `body` against a fresh app on a fresh notebook, one test at a time;
/// the app's last screen is saved and a failure says what was expected.
fn scenario(name: &str, env: &[(&str, String)], body: impl AsyncFnOnce(&App) -> Result<()>) {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch(name, dir.path(), env)
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = body(&app).await;
        app.finish(outcome).await;
    });
}

/// From the first-run screen to a demo notebook's journal.
async fn start_demo(app: &App, name: &str) -> Result<()> {
    app.click("#choice-demo").await?;
    app.type_into("#first-name", name).await?;
    app.click("#first-start").await?;
    // The demo mixes notes with persons, places and resources.
    let shown = app.wait_text("#journal-count", " notes").await?;
    let notes: usize = shown
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    ensure(notes > DEMO / 2 && notes <= DEMO, || {
        format!(
            "expected most of the {DEMO} demo records to be notes, the journal says \"{shown}\""
        )
    })?;
    Ok(())
}

/// From the first-run screen to an empty personal notebook.
async fn start_personal(app: &App) -> Result<()> {
    app.click("#choice-personal").await?;
    app.type_into("#first-name", "Roxanne").await?;
    app.type_into("#first-team", "Équipe de Sherbrooke").await?;
    app.click("#first-start").await?;
    app.wait_for("#journal-title").await?;
    Ok(())
}

/// Write a note on the capture screen and wait until it is on disk.
async fn capture(app: &App, title: &str, body: &str) -> Result<()> {
    app.click("#nav-capture").await?;
    app.type_into("#note-title", title).await?;
    app.type_into("#note-body", body).await?;
    app.wait_text("#save-status", saved_word(app).await).await?;
    Ok(())
}

async fn saved_word(app: &App) -> &'static str {
    let lang = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        app.client
            .execute("return document.documentElement.lang", vec![]),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .and_then(|v| v.as_str().map(str::to_string));
    if lang.as_deref() == Some("en") {
        "Saved"
    } else {
        "Enregistré"
    }
}

#[test]
fn first_run_reaches_a_demo_notebook_in_french() {
    scenario("first_run_demo", &demo_env(), async |app| {
        app.wait_text("#first-title", "Bienvenue dans Carnet")
            .await?;
        // Starting without a name says what is missing.
        app.click("#choice-demo").await?;
        app.click("#first-start").await?;
        app.wait_text(".field-error", "Ce champ est requis.")
            .await?;
        start_demo(app, "Aline").await?;
        // The journal shows rows (windowed: far fewer than 300 in the DOM).
        app.wait_for(".note-row").await?;
        let rows = app.count(".note-row").await?;
        ensure(rows > 0 && rows < DEMO, || {
            format!("expected a windowed list of notes, {rows} rows are in the page")
        })?;
        app.wait_text("#sync-label", "Carnet personnel").await?;
        // Commands travel over Tauri's `ipc:` protocol, which the page's
        // content security policy must allow: blocked, Tauri falls back to
        // posting messages and answering with evaluated scripts, which is
        // slower and which the web process keeps in memory.
        let reached = app
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(window.__TAURI_INTERNALS__.convertFileSrc('app_info', 'ipc'), { method: 'POST', body: '{}' })
                   .then(r => done('answered ' + r.status), e => done('blocked: ' + e));",
                vec![],
            )
            .await?;
        let reached = reached.as_str().unwrap_or_default().to_string();
        ensure(reached.starts_with("answered"), || {
            format!("expected the ipc: protocol to be reachable from the page, got {reached}")
        })?;
        Ok(())
    });
}

#[test]
fn a_notebook_sealed_by_a_passphrase_locks_hides_everything_and_unlocks_with_what_was_typed() {
    const PASSPHRASE: &str = "le parc des Érables au printemps";
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("lock_and_unlock", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let first = async {
            app.click("#choice-personal").await?;
            app.type_into("#first-name", "Roxanne").await?;
            app.type_into("#first-team", "Équipe de Sherbrooke").await?;
            app.click("#first-protect-passphrase").await?;
            app.type_into("#first-passphrase", PASSPHRASE).await?;
            app.type_into("#first-passphrase-again", PASSPHRASE).await?;
            app.click("#first-start").await?;
            app.wait_for("#journal-title").await?;
            // Typed, then locked at once: the lock waits for the save.
            app.click("#nav-capture").await?;
            app.type_into("#note-title", "Halte-garderie Ascot").await?;
            app.type_into(
                "#note-body",
                "Deux grands-mères gardent les petits du quartier.",
            )
            .await?;
            app.click("#lock-now").await?;
            app.wait_text("#unlock-title", "verrouillé").await?;
            let shown = app.page_text().await;
            ensure(
                !shown.contains("Ascot") && !shown.contains("grands-mères"),
                || format!("the lock screen shows no content, it shows: {shown}"),
            )?;
            ensure(app.count("#nav-journal").await? == 0, || {
                "no navigation while locked".into()
            })?;
            // A wrong passphrase is refused with a sentence.
            app.type_into("#unlock-passphrase", "le parc en hiver")
                .await?;
            app.click("#unlock-submit").await?;
            app.wait_text("#unlock-error", "n'ouvre pas le carnet")
                .await?;
            app.type_into("#unlock-passphrase", PASSPHRASE).await?;
            app.click("#unlock-submit").await?;
            app.wait_for("#nav-journal").await?;
            app.click("#nav-journal").await?;
            app.wait_text(".note-row", "Halte-garderie Ascot").await?;
            app.click(".note-row").await?;
            app.wait_text("#note-body", "grands-mères gardent").await?;
            Ok(())
        }
        .await;
        if first.is_err() {
            return app.finish(first).await;
        }
        // Started again, it opens on the unlock screen.
        app.kill();
        let app = App::launch("lock_and_unlock", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            app.wait_for("#unlock-passphrase").await?;
            app.type_into("#unlock-passphrase", PASSPHRASE).await?;
            app.click("#unlock-submit").await?;
            app.wait_text("#note-body", "grands-mères gardent").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

/// Replace a field's value as a person would (input, then change).
async fn set_value(app: &App, css: &str, value: &str) -> Result<()> {
    app.wait_for(css).await?;
    app.script(&format!(
        "const e = document.querySelector({css:?}); e.value = {value:?};
         e.dispatchEvent(new Event('input', {{ bubbles: true }}));
         e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await?;
    Ok(())
}

#[test]
fn a_notebook_backed_up_from_the_settings_is_restored_on_a_new_computer() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let app = App::launch("backup_made", dir.path(), &demo_env())
            .await
            .unwrap_or_else(|e| fail(e));
        let mut count = String::new();
        let mut file = String::new();
        let first = async {
            start_demo(&app, "Aline").await?;
            count = app.wait_text("#journal-count", " notes").await?;
            app.click("#nav-settings").await?;
            app.wait_for("#backup-folder").await?;
            set_value(&app, "#backup-folder", &folder.path().display().to_string()).await?;
            app.type_into("#backup-passphrase", "la sauvegarde du mardi soir")
                .await?;
            app.type_into("#backup-passphrase-again", "la sauvegarde du mardi soir")
                .await?;
            app.click("#backup-passphrase-save").await?;
            app.wait_text("#backup-passphrase-state", "phrase de passe scelle")
                .await?;
            app.click("#backup-now").await?;
            app.wait_text("#backup-done", ".carnetbk").await?;
            file = app.wait_text("#backup-list .path", ".carnetbk").await?;
            ensure(
                file.starts_with(&folder.path().display().to_string()),
                || format!("the backup went to the chosen folder: {file}"),
            )?;
            Ok(())
        }
        .await;
        if first.is_err() {
            return app.finish(first).await;
        }
        app.kill();
        // Another computer: an empty notebook directory.
        let other = tempfile::tempdir().unwrap();
        let app = App::launch("backup_restored", other.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            app.click("#choice-restore").await?;
            app.type_into("#first-backup-file", file.trim()).await?;
            app.type_into("#first-backup-passphrase", "la mauvaise phrase")
                .await?;
            app.click("#first-start").await?;
            app.wait_text("#first-error", "n'ouvre pas le carnet")
                .await?;
            set_value(
                &app,
                "#first-backup-passphrase",
                "la sauvegarde du mardi soir",
            )
            .await?;
            app.click("#first-start").await?;
            app.wait_text("#journal-count", count.trim()).await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn a_note_of_a_personal_notebook_is_deleted_after_a_reason_and_a_confirmation() {
    scenario("deleted", &[], async |app| {
        start_personal(app).await?;
        capture(
            app,
            "Rencontre à effacer",
            "Une personne a demandé qu'on efface cette note.",
        )
        .await?;
        capture(
            app,
            "Rencontre gardée",
            "Au parc, avec les mères du quartier.",
        )
        .await?;
        app.click("#nav-journal").await?;
        app.wait_text("#journal-count", "2 notes").await?;
        app.click(".note-row").await?;
        let title = app.wait_text("#note-title", "Rencontre").await?;
        app.click("#erase-panel summary").await?;
        app.type_into("#erase-reason", "demande de la personne")
            .await?;
        app.click("#erase-ask").await?;
        // Nothing happens before the confirmation; "Cancel" keeps it.
        app.wait_text("#erase-sure", "pour de bon").await?;
        app.click("#erase-no").await?;
        ensure(app.count("#erase-sure").await? == 0, || "cancelled".into())?;
        app.click("#erase-ask").await?;
        app.click("#erase-yes").await?;
        app.wait_text("#journal-count", "1 note").await?;
        let shown = app.page_text().await;
        ensure(!shown.contains(title.trim()), || {
            format!("the deleted note is gone from the journal: {shown}")
        })?;
        Ok(())
    });
}

#[test]
fn a_note_with_accents_is_found_by_searching_without_them() {
    scenario("capture_search", &[], async |app| {
        start_personal(app).await?;
        capture(
            app,
            "Épicerie solidaire à Montréal-Nord",
            "Les aînées préfèrent venir le jeudi; elles évoquent la déménagement de la friperie.",
        )
        .await?;
        app.click("#nav-journal").await?;
        app.wait_text("#journal-count", "1 note").await?;
        app.type_into("#search", "epicerie aine").await?;
        app.wait_text("#search-results", "Épicerie solidaire")
            .await?;
        // The words found are highlighted.
        app.wait_text("#search-results mark", "picerie").await?;
        app.click("#search-results .hit").await?;
        app.wait_text("#note-body", "aînées préfèrent").await?;
        Ok(())
    });
}

#[test]
fn a_note_shown_as_saved_survives_the_app_being_killed() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("killed_after_saved", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let first = async {
            start_personal(&app).await?;
            capture(
                &app,
                "Parc Aimé-Léonard",
                "Trois mères discutent près des jeux d'eau.",
            )
            .await?;
            Ok(())
        }
        .await;
        if first.is_err() {
            return app.finish(first).await;
        }
        // Killed the moment "saved" shows: no flush, no goodbye.
        app.kill();
        let app = App::launch("killed_after_saved", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            // The app reopens on the last screen: the note itself.
            app.wait_text("#note-title", "Parc Aimé-Léonard").await?;
            app.wait_text("#note-body", "jeux d'eau").await?;
            app.click("#nav-journal").await?;
            app.wait_text("#journal-count", "1 note").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn a_shadowing_log_is_timed_paused_finished_and_its_entries_edited_with_undo() {
    scenario("shadowing_log", &[], async |app| {
        start_personal(app).await?;
        app.click("#nav-capture").await?;
        app.click("#method [data-code=shadowing]").await?;
        app.type_into("#note-title", "Une journée avec M., livreur bénévole")
            .await?;
        // The title autosaves; the start button stays until it is pressed.
        app.wait_text("#save-status", "Enregistré").await?;
        app.wait_for("#shadow-start").await?;
        app.click("#shadow-start").await?;
        app.wait_text("#shadow-elapsed", "Temps écoulé\u{a0}: 0:0")
            .await?;
        for (entry, place) in [
            ("Départ du local, 8 h", "Local de résidence"),
            ("Attente de l'autobus", ""),
            ("Arrêt à la banque alimentaire", "Banque alimentaire"),
        ] {
            if !place.is_empty() {
                app.script(
                    "const e = document.querySelector('#shadow-place'); e.value = '';
                     e.dispatchEvent(new Event('input', { bubbles: true })); return null;",
                )
                .await?;
                app.type_into("#shadow-place", place).await?;
            }
            app.type_into("#shadow-entry", &format!("{entry}{ENTER}"))
                .await?;
            app.wait_text("#shadow-log", entry).await?;
        }
        app.wait_count("#shadow-log li", 3).await?;
        app.wait_count("#shadow-log li time", 3).await?;
        // A place shows where the person moved, not at every entry.
        app.wait_count("#shadow-log .entry-place", 2).await?;
        app.wait_text("#shadow-log li:nth-child(2) .entry-text", "Attente")
            .await?;

        // Edit the second entry.
        app.click("#shadow-log li:nth-child(2) .entry-actions button:first-child")
            .await?;
        app.append_to("#shadow-log li:nth-child(2) input", " sous la pluie")
            .await?;
        app.click("#shadow-log li:nth-child(2) button[type=submit]")
            .await?;
        app.wait_text(
            "#shadow-log li:nth-child(2)",
            "Attente de l'autobus sous la pluie",
        )
        .await?;
        // Remove it, then undo: it comes back between the same two.
        app.click("#shadow-log li:nth-child(2) .entry-actions button:last-child")
            .await?;
        app.wait_count("#shadow-log li", 2).await?;
        app.wait_text("#shadow-removed", "supprimée").await?;
        app.click("#shadow-undo").await?;
        app.wait_count("#shadow-log li", 3).await?;
        app.wait_text("#shadow-log li:nth-child(2)", "sous la pluie")
            .await?;

        // Pause, resume, finish: the duration is filled from the timer.
        app.click("#shadow-pause").await?;
        app.wait_text("#shadow-elapsed", "En pause").await?;
        let paused = app.text_of("#shadow-elapsed").await?.unwrap_or_default();
        tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
        let still = app.text_of("#shadow-elapsed").await?.unwrap_or_default();
        ensure(paused == still, || {
            format!("a paused timer does not count: \"{paused}\" became \"{still}\"")
        })?;
        app.click("#shadow-resume").await?;
        app.wait_text("#shadow-elapsed", "Temps écoulé").await?;
        app.click("#shadow-finish").await?;
        app.wait_text("#shadow-elapsed", "Accompagnement terminé")
            .await?;
        app.wait_text("#note-duration", "1").await?;
        app.wait_for("#shadow-resume").await?;
        ensure(app.count("#shadow-finish").await? == 0, || {
            "a finished shadowing offers to resume, not to finish".into()
        })?;
        Ok(())
    });
}

#[test]
fn the_language_switches_to_english_and_back_and_is_remembered() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("language_switch", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let first = async {
            start_personal(&app).await?;
            app.wait_text("#nav-capture", "Nouvelle note").await?;
            app.select("#language", "en").await?;
            app.wait_text("#nav-capture", "New note").await?;
            app.wait_text("#journal-empty", "No notes yet").await?;
            Ok(())
        }
        .await;
        if first.is_err() {
            return app.finish(first).await;
        }
        app.finish(Ok(())).await;
        // Relaunched: still English.
        let app = App::launch("language_switch", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            app.wait_text("#nav-capture", "New note").await?;
            app.select("#language", "fr").await?;
            app.wait_text("#nav-capture", "Nouvelle note").await?;
            app.wait_text("#journal-empty", "Pas encore de note")
                .await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

/// Join the team through the first-run screen.
async fn join(app: &App, server: &str, code: &str, name: &str) -> Result<()> {
    app.click("#choice-join").await?;
    app.type_into("#first-name", name).await?;
    app.type_into("#first-server", server).await?;
    app.type_into("#first-code", code).await?;
    app.click("#first-start").await?;
    // A partner's device opens on the referrals addressed to it.
    app.wait_for("#journal-title, #partner-title").await?;
    app.wait_text("#sync-label", "Synchronisé").await?;
    Ok(())
}

/// Press "sync now" until `check` passes (the background loop would get
/// there too, on its own schedule).
async fn sync_until<F, Fut>(app: &App, what: &str, check: F) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    loop {
        if app.count("#sync-now").await? == 0 {
            app.click("#sync-indicator").await?;
        }
        app.click("#sync-now").await?;
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        if check().await {
            return Ok(());
        }
        if start.elapsed() > std::time::Duration::from_secs(40) {
            anyhow::bail!(
                "expected {what} after syncing; the page shows: {}",
                app.page_text().await
            );
        }
    }
}

async fn body_of(app: &App) -> String {
    app.text_of("#note-body")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

#[test]
fn two_apps_edit_one_note_while_the_server_is_down_and_both_show_the_merged_text() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let mut server = common::TestServer::start();
        let (team, code_a) = server.create_team("Pôle de Montréal-Nord", "Aline");
        let code_b = server.invite(&team, "worker", false);
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = App::launch("merge_a", dir_a.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let b = match App::launch("merge_b", dir_b.path(), &[]).await {
            Ok(b) => b,
            Err(e) => return a.finish(Err(e)).await,
        };
        let title = "Réunion au parc Henri-Bourassa";
        let setup = async {
            join(&a, &server.url, &code_a, "Aline").await?;
            join(&b, &server.url, &code_b, "Jean").await?;
            capture(&a, title, "Texte commun.").await?;
            // B receives the note and opens it.
            app_sync_until_row(&a, &b, title).await?;
            b.click(".note-row").await?;
            b.wait_text("#note-body", "Texte commun.").await?;
            Ok(())
        }
        .await;
        if let Err(e) = setup {
            b.finish(Ok(())).await;
            return a.finish(Err(e)).await;
        }

        // The server goes down; both edit the same body offline.
        server.kill();
        let offline = async {
            a.append_to("#note-body", " Ajout de A.").await?;
            b.append_to("#note-body", " Ajout de B.").await?;
            a.wait_text("#save-status", "Enregistré").await?;
            b.wait_text("#save-status", "Enregistré").await?;
            Ok(())
        }
        .await;
        if let Err(e) = offline {
            b.finish(Ok(())).await;
            return a.finish(Err(e)).await;
        }

        server.restart();
        let merged = |body: &str| {
            body.contains("Texte commun.")
                && body.contains("Ajout de A.")
                && body.contains("Ajout de B.")
        };
        let outcome_b = async {
            sync_until(&b, "B's body to hold both additions", || async {
                merged(&body_of(&b).await)
            })
            .await
        }
        .await;
        let outcome_a = async {
            sync_until(&a, "A's body to hold both additions", || async {
                merged(&body_of(&a).await)
            })
            .await?;
            // Both show the same merged text.
            let (ta, tb) = (body_of(&a).await, body_of(&b).await);
            ensure(ta == tb, || {
                format!("expected the same text on both apps, A shows \"{ta}\", B shows \"{tb}\"")
            })
        }
        .await;
        b.finish(outcome_b).await;
        a.finish(outcome_a).await;
    });
}

/// A's note reaches B's journal.
async fn app_sync_until_row(a: &App, b: &App, title: &str) -> Result<()> {
    sync_until(
        a,
        "A's note to be sent (synced, nothing waiting)",
        || async {
            let synced = a
                .text_of("#sync-label")
                .await
                .ok()
                .flatten()
                .is_some_and(|l| l.starts_with("Synchronisé") || l.starts_with("Synced"));
            synced && a.count("#sync-waiting").await.is_ok_and(|n| n == 0)
        },
    )
    .await?;
    sync_until(b, &format!("\"{title}\" in B's journal"), || async {
        b.wait_text("#journal-count", "1 note").await.is_ok()
    })
    .await?;
    b.wait_text(".note-row", title).await?;
    Ok(())
}

#[test]
fn a_referral_moves_through_three_statuses_with_its_history_visible() {
    scenario("referral_statuses", &[], async |app| {
        start_personal(app).await?;
        app.click("#nav-persons").await?;
        app.type_into("#person-pseudonym", "MN-0042").await?;
        app.click("#person-add").await?;
        app.wait_text("#person-title", "MN-0042").await?;
        // Contact details only once the person consents to keeping them.
        app.wait_text("#identity-consent", "consentement").await?;
        app.select("#consent-purpose", "identifying-details")
            .await?;
        app.click("section[aria-labelledby=consents-title] button[type=submit]")
            .await?;
        app.wait_text("#consents", "donné").await?;
        app.type_into("#identity-phone", "514-555-0142").await?;
        app.click("#identity-form button[type=submit]").await?;
        app.wait_text("#identity-form", "Coordonnées enregistrées.")
            .await?;
        app.select("#referral-need", "food-insecurity").await?;
        // Without a service, "Référer" says what is missing.
        app.click("#referral-make").await?;
        app.wait_text("#referral-service-help", "Il manque le service")
            .await?;
        app.type_into("#referral-service", "Banque alimentaire du quartier")
            .await?;
        app.type_into("#referral-note", "Premier contact au parc")
            .await?;
        app.click("#referral-make").await?;
        app.wait_text(".referral-status", "Proposée").await?;
        for (code, shown, note) in [
            ("accepted", "Acceptée", "Appel fait, rendez-vous jeudi"),
            ("in-progress", "En cours", ""),
            ("completed", "Complétée", "Panier reçu"),
        ] {
            app.select(".status-select", code).await?;
            if !note.is_empty() {
                app.type_into(".status-note", note).await?;
            }
            app.click(".status-apply").await?;
            app.wait_text(".referral-status", shown).await?;
        }
        app.wait_count(".status-history li", 4).await?;
        let history = app
            .wait_text(".status-history", "Appel fait, rendez-vous jeudi")
            .await?;
        for status in [
            "Proposée",
            "Acceptée",
            "En cours",
            "Complétée",
            "Premier contact au parc",
            "Panier reçu",
        ] {
            ensure(history.contains(status), || {
                format!("expected the status history to show \"{status}\", it shows \"{history}\"")
            })?;
        }
        // A closed referral takes its outcome, and shows it.
        app.type_into(".outcome-input", "Panier reçu, inscrite pour l'hiver")
            .await?;
        app.click(".outcome-save").await?;
        app.wait_text(".referral-outcome", "inscrite pour l'hiver")
            .await?;
        // A follow-up takes a date and a note; the form is empty after.
        // Dates are typed in the app's form, whatever the system's locale.
        app.type_into(".followup-due", "2030-01-15").await?;
        app.type_into(".followup-note", "Rappeler en janvier")
            .await?;
        app.click(".followup-add").await?;
        app.wait_text(".referral", "Rappeler en janvier").await?;
        ensure(
            app.text_of(".followup-due").await?.as_deref() == Some("")
                && app.text_of(".followup-note").await?.as_deref() == Some(""),
            || "the follow-up form keeps the old date or note".into(),
        )?;
        // The board shows it with the closed referrals, with its outcome;
        // its status changes from the board.
        app.click("#nav-referrals").await?;
        app.wait_text("#board-title", "Tableau des références")
            .await?;
        app.click("#board-closed summary").await?;
        app.wait_text("#board-closed", "inscrite pour l'hiver")
            .await?;
        app.select("#board-closed .row-status", "in-progress")
            .await?;
        app.wait_text("[data-status=in-progress]", "MN-0042")
            .await?;
        app.wait_text("#board-closed summary", "(0)").await?;
        app.select("[data-status=in-progress] .row-status", "completed")
            .await?;
        app.wait_text("#board-closed summary", "(1)").await?;
        app.click("#nav-persons").await?;
        app.click("#persons-list .card").await?;
        app.wait_text(".status-history", "Panier reçu").await?;
        // The record's history speaks French: who created it, what changed,
        // never an internal field name.
        let record = app.wait_text("#person-history", "a créé la fiche").await?;
        ensure(
            record.contains("a modifié\u{a0}: ")
                && record.contains("Statut d'une référence")
                && !record.contains("referrals.")
                && !record.contains(" · "),
            || format!("expected the person's history in French words, it shows \"{record}\""),
        )?;
        // A long page scrolls once, inside `main`: scrolled to its end, the
        // window itself has not moved and the navigation is still on screen.
        let after = app
            .script(
                "const m = document.querySelector('main');
                 m.scrollTop = m.scrollHeight;
                 window.scrollTo(0, 100000);
                 const nav = document.querySelector('#nav-journal').getBoundingClientRect();
                 return { page: document.documentElement.scrollHeight, window: window.innerHeight,
                          scrolled: document.scrollingElement.scrollTop, main: m.scrollTop, navTop: nav.top };",
            )
            .await?;
        let n = |k: &str| after[k].as_f64().unwrap_or(f64::NAN);
        ensure(
            n("main") > 0.0
                && n("scrolled") == 0.0
                && n("page") <= n("window") + 1.0
                && n("navTop") >= 0.0,
            || format!("expected one scrolling area (main) with the window still, got {after}"),
        )?;
        Ok(())
    });
}

#[test]
fn a_server_with_its_own_certificate_is_joined_from_the_first_run_screen() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let _one = one_at_a_time();
    // Self-signed and CA:TRUE, as `openssl req -x509` makes it.
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("certificate");
    let server = common::TestServer::start_tls(&cert.pem(), &key.serialize_pem(), &[]);
    let url = server.url.clone();
    let (_team, code) = server.create_team("Pôle de Montréal-Nord", "Aline");
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("join_tls", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            app.click("#choice-join").await?;
            app.type_into("#first-name", "Aline").await?;
            app.type_into("#first-server", &url).await?;
            app.type_into("#first-code", &code).await?;
            app.click("#first-start").await?;
            // Without the certificate: said, not "no network".
            let said = app
                .wait_text("#first-error", "ne fait pas confiance")
                .await?;
            ensure(said.contains("certificat"), || {
                format!("the error names the certificate: {said}")
            })?;
            app.click("#first-cert-toggle").await?;
            app.wait_for("#first-cert").await?;
            // Pasted, as a person would (typing turns its line breaks
            // into Enter keys).
            app.script(&format!(
                "const t = document.querySelector('#first-cert');
                 t.value = {};
                 t.dispatchEvent(new Event('input', {{ bubbles: true }}));",
                serde_json::to_string(&cert.pem())?
            ))
            .await?;
            app.screenshot("certificate").await?;
            app.click("#first-start").await?;
            app.wait_for("#journal-title").await?;
            app.wait_text("#sync-label", "Synchronisé").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn a_coordinator_invites_a_worker_then_revokes_the_device() {
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (_team, code) = server.create_team("Pôle de Sherbrooke", "Aline");
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("team_admin", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &code, "Aline").await?;
            app.click("#nav-settings").await?;
            app.select("#invite-role", "worker").await?;
            app.click("#invite-form button[type=submit]").await?;
            let shown = app.wait_text("#invite-code", "Code à lire").await?;
            let worker_code = shown
                .split_once(": ")
                .map(|(_, rest)| rest.lines().next().unwrap_or("").trim().to_string())
                .unwrap_or_default();
            // The code shown really lets a worker join.
            let jean_dir = tempfile::tempdir()?;
            let (mut jean, _) = carnet_client::sync::join(
                jean_dir.path(),
                carnet_client::sync::JoinOptions {
                    server: &server.url,
                    code: &worker_code,
                    device_name: "portable-jean",
                    member_name: "Jean",
                    ca_pem: None,
                },
                common::env(3),
                |_| {},
            )
            .await
            .map_err(|e| anyhow::anyhow!("joining with the code shown (\"{worker_code}\"): {e}"))?;
            // Revoke Jean's device from the list.
            app.click("#nav-journal").await?;
            app.click("#nav-settings").await?;
            app.wait_text("#devices", "portable-jean").await?;
            let revoke = app
                .client
                .find(fantoccini::Locator::XPath(
                    "//ul[@id='devices']/li[contains(., 'portable-jean')]//button",
                ))
                .await?;
            revoke.click().await?;
            app.client.accept_alert().await?;
            app.wait_text("#devices", "révoqué").await?;
            // This device (joined without a name: "portable-aline") is not
            // offered for revocation.
            app.wait_text("#devices", "portable-aline").await?;
            let own = app
                .client
                .find_all(fantoccini::Locator::XPath(
                    "//ul[@id='devices']/li[contains(., 'portable-aline')]//button",
                ))
                .await?;
            ensure(own.is_empty(), || {
                "expected no revoke button on this device's own line".to_string()
            })?;
            let client = carnet_client::sync::engine::server_client(&jean)?;
            let refused = carnet_client::sync::sync_until_quiet(&mut jean, &client, |_| {}).await;
            ensure(
                matches!(&refused, Err(e) if e.kind().is_unauthorized()),
                || format!("expected the revoked device to be refused, it got {refused:?}"),
            )?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

/// The words of the worker's day in each language, so one walk serves both.
struct Day {
    lang: &'static str,
    saved: &'static str,
    residence: (&'static str, &'static str),
    shadowing: &'static str,
    entries: [&'static str; 2],
    finished: &'static str,
    workshop: &'static str,
    story: &'static str,
    park: &'static str,
    group: &'static str,
    search: &'static str,
    results: &'static str,
    pseudonym: &'static str,
    given: &'static str,
    proposed: &'static str,
    board: &'static str,
    shortcuts: &'static str,
}

const FRENCH_DAY: Day = Day {
    lang: "fr",
    saved: "Enregistré",
    residence: (
        "Journal de résidence, premier jour",
        "Une dizaine de personnes sont passées au local; deux mères demandent où inscrire les enfants.",
    ),
    shadowing: "Une journée avec M., livreur bénévole",
    entries: ["Départ du local à pied", "Attente à la pharmacie"],
    finished: "Accompagnement terminé",
    workshop: "Atelier photo-récit du mardi",
    story: "Personne ne m'a expliqué comment inscrire mon fils à l'école.",
    park: "Tournée au parc, fin d'après-midi",
    group: "Groupe d'entraide des parents",
    search: "pharmacie",
    results: "résultat",
    pseudonym: "MN-9001",
    given: "donné",
    proposed: "Proposée",
    board: "Tableau des références",
    shortcuts: "Raccourcis clavier",
};

const ENGLISH_DAY: Day = Day {
    lang: "en",
    saved: "Saved",
    residence: (
        "Residence journal, first day",
        "About ten people came by the storefront; two mothers asked where to register their children.",
    ),
    shadowing: "A day with M., volunteer driver",
    entries: ["Leaves the storefront on foot", "Waits at the pharmacy"],
    finished: "Shadowing finished",
    workshop: "Tuesday photo-story workshop",
    story: "Nobody explained how to register my son at school.",
    park: "Park outreach, late afternoon",
    group: "Parents' mutual-aid group",
    search: "pharmacy",
    results: "result",
    pseudonym: "MN-9002",
    given: "given",
    proposed: "Proposed",
    board: "Referral board",
    shortcuts: "Keyboard shortcuts",
};

/// Save a screenshot of the current screen at both window sizes the
/// issue names (the app's default 1100×760 and a laptop's 1366×768), and
/// check at each that the header stays on one row and the window never
/// scrolls.
async fn look(app: &App, day: &Day, screen: &str) -> Result<()> {
    for (w, h) in [(1100u32, 760u32), (1366, 768)] {
        app.client.set_window_size(w, h).await.ok();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let layout = app
            .script(
                "const top = document.querySelector('.top').getBoundingClientRect();
                 const nav = document.querySelector('#nav-journal').getBoundingClientRect();
                 const sync = document.querySelector('#sync-indicator, #language').getBoundingClientRect();
                 return { header: top.height, navTop: nav.top, syncTop: sync.top,
                          page: document.documentElement.scrollHeight, window: window.innerHeight };",
            )
            .await?;
        let n = |k: &str| layout[k].as_f64().unwrap_or(f64::NAN);
        ensure(
            n("header") < 64.0 && (n("navTop") - n("syncTop")).abs() < 24.0,
            || format!("{screen} at {w}×{h}: the header wraps ({layout})"),
        )?;
        ensure(n("page") <= n("window") + 1.0, || {
            format!("{screen} at {w}×{h}: the window itself scrolls ({layout})")
        })?;
        app.screenshot(&format!("-{}-{screen}-{w}", day.lang))
            .await?;
    }
    app.client.set_window_size(1100, 760).await.ok();
    Ok(())
}

/// Keys sent to whatever has the focus, as a person presses them
/// (WebDriver's codes: Ctrl is U+E009, Shift U+E008, Tab U+E004, → U+E014,
/// and U+E000 releases the modifiers).
async fn keys(app: &App, text: &str) -> Result<()> {
    let focused = app.client.active_element().await?;
    focused.send_keys(text).await?;
    Ok(())
}

/// A new note of `method` titled `title`, saved.
async fn new_note(app: &App, day: &Day, method: &str, title: &str) -> Result<()> {
    app.click("#nav-capture").await?;
    app.click(&format!("#method [data-code={method}]")).await?;
    app.type_into("#note-title", title).await?;
    app.wait_text("#save-status", day.saved).await?;
    Ok(())
}

/// A worker's day, as the field test walked it: the journal, a residence
/// note, a shadowing log, a workshop, outreach in a park, an open group,
/// search, a person with a consent and a referral, the board, the
/// directory, settings and the shortcuts, each screen looked at twice.
async fn worker_day(app: &App, day: &Day) -> Result<()> {
    app.select("#language", day.lang).await?;
    app.click("#choice-demo").await?;
    app.type_into("#first-name", "Roxanne").await?;
    app.click("#first-start").await?;
    app.wait_text("#journal-count", " notes").await?;
    app.wait_for(".note-row").await?;
    look(app, day, "journal").await?;

    // A residence note at the storefront.
    new_note(app, day, "residence", day.residence.0).await?;
    app.type_into("#note-body", day.residence.1).await?;
    app.type_into("#note-place", "Local de résidence, boulevard Léger")
        .await?;
    app.wait_text("#note-place-kind", "storefront").await?;
    app.wait_text("#save-status", day.saved).await?;
    look(app, day, "residence").await?;

    // Shadowing: the timer and two entries, then finished.
    new_note(app, day, "shadowing", day.shadowing).await?;
    app.click("#shadow-start").await?;
    for entry in day.entries {
        app.type_into("#shadow-entry", &format!("{entry}{ENTER}"))
            .await?;
        app.wait_text("#shadow-log", entry).await?;
    }
    app.click("#shadow-finish").await?;
    app.wait_text("#shadow-elapsed", day.finished).await?;
    look(app, day, "shadowing").await?;

    // A workshop with a story.
    new_note(app, day, "workshop", day.workshop).await?;
    app.type_into("#story-text", day.story).await?;
    app.click(".story-form button[type=submit]").await?;
    app.wait_text("#stories", day.story).await?;
    look(app, day, "workshop").await?;

    // Outreach in a park: the known place brings its kind.
    new_note(app, day, "outreach", day.park).await?;
    app.type_into("#note-place", "Parc des Érables").await?;
    app.wait_text("#note-place-kind", "park").await?;
    app.click("#themes button.chip").await?;
    app.wait_text("#save-status", day.saved).await?;
    look(app, day, "outreach").await?;

    // An open group, from Ctrl+N to saved with the keyboard alone: the
    // title has the focus, Shift+Tab reaches the one Tab stop of the
    // methods, the arrows choose one, Ctrl+S saves at once.
    app.click("#nav-journal").await?;
    app.wait_for(".note-row").await?;
    keys(app, "\u{E009}n\u{E000}").await?;
    app.wait_for("#note-title").await?;
    let focused = app.script("return document.activeElement.id").await?;
    ensure(focused.as_str() == Some("note-title"), || {
        format!("Ctrl+N should put the focus in the title, it is on {focused}")
    })?;
    keys(app, day.group).await?;
    keys(app, "\u{E008}\u{E004}\u{E000}").await?; // Shift+Tab: to the methods
    let method = app
        .script("return document.activeElement.dataset.code || null")
        .await?;
    ensure(method.as_str() == Some("outreach"), || {
        format!("Shift+Tab from the title reaches the chosen method, not {method}")
    })?;
    keys(app, "\u{E014}").await?; // → : outreach to group
    app.wait_for("#method [data-code=group][aria-checked=true]")
        .await?;
    keys(app, "\u{E009}s\u{E000}").await?;
    app.wait_text("#save-status", day.saved).await?;
    app.wait_text("#note-title", day.group).await?;
    app.click("input[name=group-open]").await?;
    app.wait_text("#save-status", day.saved).await?;

    // Search, with the results' method, date and author.
    app.click("#nav-journal").await?;
    app.type_into("#search", day.search).await?;
    app.wait_text("#journal-count", day.results).await?;
    app.wait_text("#search-results", day.shadowing).await?;
    app.wait_text("#search-results .method", "").await?;
    look(app, day, "search").await?;

    // A person, a consent and a referral picked from the directory.
    app.click("#nav-persons").await?;
    app.type_into("#person-pseudonym", day.pseudonym).await?;
    app.click("#person-add").await?;
    app.wait_text("#person-title", day.pseudonym).await?;
    app.click("section[aria-labelledby=consents-title] button[type=submit]")
        .await?;
    app.wait_text("#consents", day.given).await?;
    app.select("#referral-need", "food-insecurity").await?;
    let resource = app
        .script(
            "const o = [...document.querySelectorAll('#referral-resource option')].find(o => o.value);
             return o ? o.value : null;",
        )
        .await?;
    let resource = resource.as_str().unwrap_or_default().to_string();
    ensure(!resource.is_empty(), || {
        "the directory offers an organisation for food insecurity".into()
    })?;
    app.select("#referral-resource", &resource).await?;
    app.wait_text("#referral-service", " — ").await?;
    app.click("#referral-make").await?;
    app.wait_text(".referral-status", day.proposed).await?;
    look(app, day, "person").await?;

    // The board, the directory, the settings, the shortcuts.
    app.click("#nav-referrals").await?;
    app.wait_text("#board-title", day.board).await?;
    app.wait_for("#overdue-list").await?;
    look(app, day, "board").await?;
    app.click("#nav-directory").await?;
    app.wait_for("#directory-title").await?;
    look(app, day, "directory").await?;
    app.click("#nav-settings").await?;
    app.wait_for("#settings-title").await?;
    look(app, day, "settings").await?;
    app.click("#help-open").await?;
    app.wait_text("#shortcuts", day.shortcuts).await?;
    app.screenshot(&format!("-{}-shortcuts", day.lang)).await?;
    app.click("#shortcuts-close").await?;
    Ok(())
}

#[test]
fn a_workers_day_in_french_every_screen_looked_at() {
    scenario("worker_day_fr", &demo_env(), async |app| {
        worker_day(app, &FRENCH_DAY).await
    });
}

#[test]
fn a_workers_day_in_english_every_screen_looked_at() {
    scenario("worker_day_en", &demo_env(), async |app| {
        worker_day(app, &ENGLISH_DAY).await
    });
}

#[test]
fn an_observer_reads_the_team_and_is_never_offered_an_edit() {
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, code) = server.create_team("Pôle de Sherbrooke", "Aline");
    let mut aline = common::Device::join(&server, &code, "Aline", 1);
    aline
        .nb
        .create_note(carnet_client::NoteInput {
            title: "Atelier du mardi".into(),
            body: Some("Douze personnes, trois histoires.".into()),
            ..Default::default()
        })
        .unwrap();
    aline.sync().unwrap();
    let observer = server.invite(&team, "observer", false);
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("observer", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &observer, "Bruno").await?;
            app.wait_text(".note-row", "Atelier du mardi").await?;
            ensure(app.count("#nav-capture").await? == 0, || {
                "an observer is offered a new note".into()
            })?;
            // Ctrl+N does nothing either.
            keys(&app, "\u{E009}n\u{E000}").await?;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            ensure(app.count("#note-title").await? == 0, || {
                "Ctrl+N opened an editor for an observer".into()
            })?;
            app.click(".note-row").await?;
            app.wait_text("#read-only", "Lecture seule").await?;
            let state = app
                .script(
                    "return { title: document.querySelector('#note-title').matches(':disabled'),
                              body: document.querySelector('#note-body').matches(':disabled'),
                              comment: !!document.querySelector('#comment-entry') };",
                )
                .await?;
            ensure(
                state["title"] == true && state["body"] == true && state["comment"] == false,
                || format!("an observer's note page offers edits: {state}"),
            )?;
            app.wait_text("#note-body", "trois histoires").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn concurrent_referral_statuses_are_settled_from_the_person_page() {
    use carnet_core::vocab::{NeedCategory, ReferralStatus};
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, code) = server.create_team("Pôle de Sherbrooke", "Aline");
    // Jean and Nadia move the same referral apart, each offline.
    let mut jean = common::Device::join(&server, &server.invite(&team, "worker", true), "Jean", 3);
    let (person, referral) = jean.person_with_referral(
        "SH-0310",
        "Banque alimentaire",
        NeedCategory::FoodInsecurity,
    );
    jean.sync().expect("sync");
    let mut nadia =
        common::Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 4);
    jean.nb
        .set_referral_status(referral, ReferralStatus::Accepted, None)
        .expect("status");
    nadia
        .nb
        .set_referral_status(referral, ReferralStatus::Declined, None)
        .expect("status");
    jean.sync().expect("sync");
    nadia.sync().expect("sync");
    assert!(
        !nadia
            .nb
            .person_detail(person)
            .expect("person")
            .conflicts
            .is_empty(),
        "the two statuses are concurrent"
    );
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("settle_referral", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &code, "Aline").await?;
            app.click("#nav-persons").await?;
            app.click("#persons-list .card").await?;
            app.wait_text("#person-title", "SH-0310").await?;
            let shown = app
                .wait_text("#conflicts", "référence vers Banque alimentaire")
                .await?;
            ensure(
                shown.contains("Acceptée") && shown.contains("Refusée"),
                || format!("both statuses, by their labels: {shown}"),
            )?;
            ensure(shown.contains("Jean") && shown.contains("Nadia"), || {
                format!("who set each: {shown}")
            })?;
            app.click("#conflicts .conflict-value button").await?;
            app.wait_count("#conflicts", 0).await?;
            app.wait_text("section[aria-labelledby=person-history-title]", "Aline")
                .await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn the_review_screen_lists_every_record_with_concurrent_values_and_settles_them() {
    use carnet_client::NotePatch;
    use carnet_core::vocab::{Method, NeedCategory, ReferralStatus};
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, code) = server.create_team("Pôle de Montréal-Nord", "Aline");
    // Jean and Nadia change a note's title and a referral apart, offline.
    let mut jean = common::Device::join(&server, &server.invite(&team, "worker", true), "Jean", 5);
    let note = jean
        .nb
        .create_note(carnet_client::NoteInput {
            method: Some(Method::Outreach),
            title: "Parc Aimé-Léonard".into(),
            body: Some("Conversation avec des parents.".into()),
            ..Default::default()
        })
        .expect("note");
    let (_person, referral) = jean.person_with_referral(
        "MN-0412",
        "Maison des familles",
        NeedCategory::SocialIsolation,
    );
    jean.sync().expect("sync");
    let mut nadia =
        common::Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 6);
    let retitle = |title: &str| NotePatch {
        title: Some(title.into()),
        ..Default::default()
    };
    jean.nb
        .update_note(note, retitle("Parc Aimé-Léonard, samedi"))
        .expect("title");
    nadia
        .nb
        .update_note(note, retitle("Parc Aimé-Léonard, matin"))
        .expect("title");
    jean.nb
        .set_referral_status(referral, ReferralStatus::Accepted, None)
        .expect("status");
    nadia
        .nb
        .set_referral_status(referral, ReferralStatus::Declined, None)
        .expect("status");
    jean.sync().expect("sync");
    nadia.sync().expect("sync");
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("review_concurrent", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &code, "Aline").await?;
            app.wait_text("#nav-review-conflicts", "2").await?;
            app.click("#nav-review").await?;
            app.wait_text("#concurrent-count", "2 fiches à régler")
                .await?;
            let list = app
                .wait_text(
                    "#concurrent",
                    "Statut de la référence vers Maison des familles",
                )
                .await?;
            for expected in [
                "Parc Aimé-Léonard, samedi",
                "Parc Aimé-Léonard, matin",
                "Acceptée",
                "Refusée",
                "MN-0412",
                "par Jean",
                "par Nadia",
            ] {
                ensure(list.contains(expected), || {
                    format!("the list shows {expected:?}: {list}")
                })?;
            }
            app.screenshot("-list").await?;
            // Keep Nadia's title: one click, and the note leaves the list.
            let keep = app
                .script(
                    r#"const v = [...document.querySelectorAll('#concurrent .conflict-value')]
                         .find(e => e.textContent.includes('Parc Aimé-Léonard, matin'));
                       v.querySelector('button').click(); return true;"#,
                )
                .await?;
            ensure(keep == serde_json::json!(true), || "clicked".into())?;
            app.wait_text("#concurrent-count", "1 fiche à régler")
                .await?;
            app.click("#concurrent .conflict-value button").await?;
            app.wait_text("#concurrent-empty", "Rien à régler").await?;
            app.wait_count("#nav-review-conflicts", 0).await?;
            // The settling is Aline's change in the note's history.
            app.click("#nav-journal").await?;
            app.click(".note-row").await?;
            app.wait_text("#editor-heading", "Parc Aimé-Léonard, matin")
                .await?;
            app.wait_text("section[aria-labelledby=history-title]", "Aline")
                .await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

/// The office's review in two apps on one server: Jean edits Aline's note
/// and comments naming her, two workers move one referral apart; Aline's
/// inbox names each, the mention first; the opened note shows Jean's
/// words in his colour and named; all seen, the inbox is empty; the
/// referral's concurrent statuses are settled from the other tab.
#[test]
fn alines_inbox_shows_what_jean_and_the_team_changed_and_she_settles_the_rest() {
    use carnet_core::vocab::{NeedCategory, ReferralStatus};
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, code_a) = server.create_team("Pôle de Montréal-Nord", "Aline");
    let code_b = server.invite(&team, "worker", false);
    // Two workers with persons, on the command line's library.
    let mut nadia =
        common::Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 41);
    let (_person, referral) = nadia.person_with_referral(
        "MN-0777",
        "Cuisine collective",
        NeedCategory::FoodInsecurity,
    );
    nadia.sync().expect("sync");
    let mut omar = common::Device::join(&server, &server.invite(&team, "worker", true), "Omar", 42);
    runtime().block_on(async {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = App::launch("inbox_a", dir_a.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let b = match App::launch("inbox_b", dir_b.path(), &[]).await {
            Ok(b) => b,
            Err(e) => return a.finish(Err(e)).await,
        };
        let title = "Atelier du mardi";
        let outcome = async {
            // Jean first: Aline's first sync brings the team as it is.
            join(&b, &server.url, &code_b, "Jean").await?;
            join(&a, &server.url, &code_a, "Aline").await?;
            capture(&a, title, "Les mères parlent du parc.").await?;
            app_sync_until_row(&a, &b, title).await?;
            // Nothing is news yet: Aline's inbox is empty.
            a.click("#nav-review").await?;
            a.wait_text("#inbox-empty", "Rien de neuf").await?;

            // Jean adds words and a comment naming Aline.
            b.click(".note-row").await?;
            b.wait_text("#note-body", "Les mères parlent du parc.").await?;
            b.append_to("#note-body", " Elles parlent aussi de l'école.").await?;
            b.wait_text("#save-status", "Enregistré").await?;
            b.select("#comment-mention", "Aline").await?;
            b.append_to("#comment-entry", "peux-tu relire la fin?").await?;
            b.click("#comment-add").await?;
            b.wait_text("#comments", "peux-tu relire").await?;
            b.wait_text("#comments mark.mention", "@Aline").await?;
            // Jean codes a passage of the text with a theme.
            b.script(
                "const a = document.querySelector('#note-body'); a.focus(); \
                 const i = a.value.indexOf('parlent du parc'); \
                 a.setSelectionRange(i, i + 'parlent du parc'.length); return i",
            )
            .await?;
            b.wait_text("#coding-selection", "«\u{a0}parlent du parc\u{a0}»").await?;
            b.click("#coding-themes button[data-code=isolement]").await?;
            b.click("#coding-apply").await?;
            let coded = b.wait_text("#coding-passages", "parlent du parc").await?;
            ensure(coded.contains("Isolement social") && coded.contains("par Jean"), || {
                format!("the margin names the theme and the coder: {coded}")
            })?;
            // Nadia and Omar move the referral apart, each offline.
            nadia
                .nb
                .set_referral_status(referral, ReferralStatus::Accepted, None)
                .map_err(anyhow::Error::from)?;
            omar.nb
                .set_referral_status(referral, ReferralStatus::Declined, None)
                .map_err(anyhow::Error::from)?;
            // Their syncs block: off the test's runtime thread.
            std::thread::scope(|s| {
                s.spawn(|| nadia.sync().map(|_| ())).join().expect("thread")?;
                s.spawn(|| omar.sync().map(|_| ())).join().expect("thread")
            })
            .map_err(anyhow::Error::from)?;
            sync_until(&b, "Jean's changes sent", || async {
                b.count("#sync-waiting").await.is_ok_and(|n| n == 0)
            })
            .await?;

            // Aline's inbox: the note first (it names her), then the person.
            sync_until(&a, "two records in Aline's inbox", || async {
                a.wait_text("#nav-review-count", "2").await.is_ok()
            })
            .await?;
            a.click("#nav-review").await?;
            // The sync details left open by the syncs above close.
            if a.count("#sync-details").await? > 0 {
                a.click("#sync-indicator").await?;
            }
            let first = a.wait_text("#inbox-list .inbox-item", title).await?;
            for expected in [
                "Un commentaire vous mentionne",
                "Jean a ajouté 5 mots",
                "a écrit un commentaire",
                "a codé un passage «\u{a0}Isolement social\u{a0}»",
            ] {
                ensure(first.contains(expected), || format!("the first item says {expected:?}: {first}"))?;
            }
            let list = a.wait_text("#inbox-list", "MN-0777").await?;
            ensure(
                list.contains("Nadia a passé une référence à") && list.contains("Omar a passé une référence à"),
                || format!("each worker's move of the referral, named: {list}"),
            )?;
            let _ = a.screenshot("-inbox").await;
            // Opening the note shows Jean's words, named, and marks it seen.
            a.click("#inbox-list .inbox-item .inbox-head").await?;
            let added = a.wait_text(".diff[data-path=body] ins", "Elles parlent aussi de l'école").await?;
            ensure(added.contains("ajouté par Jean"), || format!("named for screen readers: {added}"))?;
            let shown = a
                .script("return document.querySelector('.diff[data-path=body] ins').getAttribute('title')")
                .await?;
            ensure(shown == serde_json::json!("ajouté par Jean"), || format!("named on hover: {shown}"))?;
            let _ = a.screenshot("-opened").await;
            a.wait_text("#nav-review-count", "1").await?;
            a.click("#inbox-seen-all").await?;
            a.wait_text("#inbox-empty", "Rien de neuf").await?;
            a.wait_count("#nav-review-count", 0).await?;
            // The referral's two statuses are settled from the other tab.
            a.click("#tab-concurrent").await?;
            a.wait_text("#concurrent", "Statut de la référence vers Cuisine collective").await?;
            a.click("#concurrent .conflict-value button").await?;
            a.wait_text("#concurrent-empty", "Rien à régler").await?;
            // Jean's passage is in the passage view; it opens its note at the passage.
            a.click("#tab-passages").await?;
            a.select("#passages-theme", "isolement").await?;
            a.wait_text("#passages-count", "1 passage").await?;
            let row = a.wait_text("#passage-list", "parlent du parc").await?;
            ensure(row.contains(title) && row.contains("Jean"), || format!("the passage names its note and coder: {row}"))?;
            let _ = a.screenshot("-passages").await;
            a.click("#passage-list button.link").await?;
            a.wait_text("#coding-passages", "parlent du parc").await?;
            let selected = a
                .script("const t = document.querySelector('#note-body'); return t.value.slice(t.selectionStart, t.selectionEnd)")
                .await?;
            ensure(selected == serde_json::json!("parlent du parc"), || format!("the note opens at the passage: {selected}"))?;
            Ok(())
        }
        .await;
        b.finish(Ok(())).await;
        a.finish(outcome).await;
    });
}

/// The review queue walked with the keyboard alone: next and previous,
/// mark reviewed (the note leaves the queue), send back with what to
/// change (a comment saying it), and a comment.
#[test]
fn the_review_queue_is_walked_with_the_keyboard_alone() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("review_queue", dir.path(), &demo_env())
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            start_demo(&app, "Aline").await?;
            app.click("#nav-review").await?;
            app.click("#tab-queue").await?;
            let position = app.wait_text("#queue-position", "Note 1 sur ").await?;
            let count: usize = position
                .rsplit(' ')
                .next()
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0);
            ensure(count >= 3, || {
                format!("the demo has notes to review: {position}")
            })?;
            let first = app.text_of("#queue-note-title").await?.unwrap_or_default();
            keys(&app, "j").await?;
            app.wait_text("#queue-position", "Note 2 sur ").await?;
            let second = app.text_of("#queue-note-title").await?.unwrap_or_default();
            ensure(first != second, || {
                format!("J shows the next note: {first} / {second}")
            })?;
            keys(&app, "k").await?;
            app.wait_text("#queue-position", "Note 1 sur ").await?;
            // R: reviewed, and the queue is one shorter.
            keys(&app, "r").await?;
            app.wait_text("#queue-notice", "est révisée").await?;
            app.wait_text("#queue-position", &format!("sur {}", count - 1))
                .await?;
            // C: say what to change, Ctrl+Enter sends it back.
            let sent = app
                .script("return document.querySelector('.queue-note').dataset.id")
                .await?;
            keys(&app, "c").await?;
            app.wait_for("#queue-what").await?;
            keys(&app, "Préciser l'heure de la rencontre.").await?;
            keys(&app, "\u{E009}\u{E007}").await?; // Ctrl+Enter
            app.wait_text("#queue-notice", "renvoyée à son auteur")
                .await?;
            app.wait_text("#queue-position", &format!("sur {}", count - 2))
                .await?;
            // M: a comment on the note now shown.
            keys(&app, "m").await?;
            keys(&app, "Vu en réunion.\u{E007}").await?;
            app.wait_text("#queue #comments", "Vu en réunion.").await?;
            Ok(sent)
        }
        .await;
        let sent = match outcome {
            Ok(v) => v,
            Err(e) => return app.finish(Err(e)).await,
        };
        app.finish(Ok(())).await;
        // The note sent back is "needs changes", with a comment saying what.
        let id: carnet_core::RecordId = sent.as_str().and_then(|s| s.parse().ok()).expect("an id");
        let mut nb = carnet_client::Notebook::open(dir.path(), common::env(44)).expect("open");
        let detail = nb.note_detail(id).expect("note");
        assert_eq!(
            detail.note.review,
            carnet_core::vocab::ReviewStatus::NeedsChanges
        );
        assert!(
            detail
                .note
                .comments
                .iter()
                .any(|c| c.text.as_str() == "Préciser l'heure de la rencontre."),
            "a comment says what: {:?}",
            detail.note.comments
        );
    });
}

/// Coding in English, alone: a story of a workshop is coded by selecting
/// its words, the passage shows in the margin and is removed; the
/// codebook gets a sub-theme with its definition, and merging it into
/// another theme moves its passage.
#[test]
fn a_story_is_coded_in_english_and_its_theme_merged_from_the_codebook() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("coding_en", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            start_personal(&app).await?;
            app.select("#language", "en").await?;
            app.wait_text("#nav-capture", "New note").await?;

            // A sub-theme of social isolation, with its definition.
            app.click("#nav-settings").await?;
            app.type_into("#theme-code", "loneliness-winter").await?;
            app.type_into("#theme-fr", "Solitude l'hiver").await?;
            app.type_into("#theme-en", "Winter loneliness").await?;
            app.select("#theme-parent", "isolement").await?;
            app.type_into("#theme-definition-en", "Feeling alone when the cold keeps people in.").await?;
            app.click("#theme-form button[type=submit]").await?;
            app.wait_text("#theme-form", "Theme saved.").await?;
            let sub = app.wait_text("#codebook li[data-theme=loneliness-winter]", "Winter loneliness").await?;
            ensure(sub.contains("Feeling alone"), || format!("the definition is shown: {sub}"))?;

            // A workshop with a story; its words are coded.
            app.click("#nav-capture").await?;
            app.click(".method-choice[data-code=workshop]").await?;
            app.type_into("#note-title", "Tuesday workshop").await?;
            app.wait_text("#save-status", "Saved").await?;
            app.type_into("#story-text", "Since January she has not left her flat except for the clinic.").await?;
            app.click(".story-form button[type=submit]").await?;
            app.wait_text("#stories", "Since January").await?;
            app.script(
                "const s = document.querySelector('#stories [data-coded-field=story]'); \
                 const n = s.firstChild; const i = n.textContent.indexOf('has not left her flat'); \
                 const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 'has not left her flat'.length); \
                 const sel = document.getSelection(); sel.removeAllRanges(); sel.addRange(r); return i",
            )
            .await?;
            app.wait_text("#coding-selection", "Selection: “has not left her flat”").await?;
            app.click("#coding-themes button[data-code=loneliness-winter]").await?;
            app.click("#coding-apply").await?;
            let margin = app.wait_text("#coding-passages", "has not left her flat").await?;
            ensure(
                margin.contains("Winter loneliness") && margin.contains("in: a story") && margin.contains("by Roxanne"),
                || format!("the margin says the theme, the text and the coder: {margin}"),
            )?;
            let _ = app.screenshot("-coded").await;

            // Merging the sub-theme into its parent moves the passage.
            app.click("#nav-settings").await?;
            app.select("#merge-from", "loneliness-winter").await?;
            app.select("#merge-into", "isolement").await?;
            app.click("#merge-do").await?;
            app.wait_text("#theme-merge", "Click again to confirm").await?;
            app.click("#merge-do").await?;
            app.wait_text("#merge-done", "Merged: 1 note changed.").await?;
            app.click("#codebook-archived").await?;
            app.wait_text("#codebook li[data-theme=loneliness-winter]", "merged into Social isolation").await?;
            app.click("#nav-review").await?;
            app.click("#tab-passages").await?;
            app.select("#passages-theme", "isolement").await?;
            let row = app.wait_text("#passage-list", "has not left her flat").await?;
            ensure(row.contains("Social isolation"), || format!("the passage moved: {row}"))?;
            app.click("#passage-list button.link").await?;
            app.wait_text("#coding-passages", "Social isolation").await?;
            app.click("#coding-passages button.link:last-child").await?;
            app.wait_for("#coding-none").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

/// The synthesis of a demo notebook: its counts agree with the journal's,
/// every chart has its table, the theme chart's table gives each theme's
/// notes, and opening a theme from it lists exactly that many notes in
/// the journal, filtered.
#[test]
fn the_synthesis_charts_a_demo_team_and_opens_the_journal_filtered() {
    let exports = tempfile::tempdir().unwrap();
    let mut env = demo_env();
    env.push(("CARNET_EXPORT_DIR", exports.path().display().to_string()));
    scenario("synthesis", &env, async |app| {
        start_demo(app, "Aline").await?;
        let journal = app.wait_text("#journal-count", " notes").await?;
        let notes: String = journal
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        app.click("#nav-review").await?;
        app.click("#tab-synthesis").await?;
        let counts = app.wait_text("#synthesis-counts", "notes").await?;
        ensure(counts.starts_with(&notes), || {
            format!("the synthesis counts the journal's {notes} notes: {counts}")
        })?;
        for chart in [
            "themes",
            "months",
            "barriers-method",
            "needs-sector",
            "theme-pairs",
            "funnel",
            "members",
            "places",
        ] {
            app.wait_for(&format!("#chart-{chart} svg")).await?;
            ensure(
                app.count(&format!("#chart-{chart} table")).await? == 1,
                || format!("{chart} has its table"),
            )?;
        }
        let label = app
            .script("return document.querySelector('#chart-themes svg').getAttribute('aria-label')")
            .await?;
        ensure(
            label.as_str().is_some_and(|l| l.starts_with("Thèmes")),
            || format!("the chart is named: {label}"),
        )?;
        let _ = app.screenshot("-charts").await;
        // The notes as a REFI-QDA project, and a chart's table as CSV.
        app.click("#synthesis-export button[data-kind=qdpx]")
            .await?;
        let done = app
            .wait_text("#synthesis-export .export-done", "Exporté")
            .await?;
        ensure(done.contains(&format!("({notes} éléments)")), || {
            format!("every note exported: {done}")
        })?;
        app.click("#synthesis-export button[data-kind=pdf]").await?;
        app.wait_text("#synthesis-export .export-done", ".pdf")
            .await?;
        app.click("#chart-methods summary").await?;
        app.click("#chart-methods-export button[data-kind=csv]")
            .await?;
        app.wait_text("#chart-methods-export .export-done", ".csv")
            .await?;
        let mut files: Vec<String> = std::fs::read_dir(exports.path())?
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .collect();
        // By extension: the names carry the second each was made in.
        files.sort_by_key(|f| f.rsplit('.').next().map(str::to_string));
        ensure(
            files.len() == 3
                && files[0].ends_with(".csv")
                && files[1].ends_with(".pdf")
                && files[2].ends_with(".qdpx"),
            || format!("three files in the exports folder: {files:?}"),
        )?;
        let pdf = common::pdf_text(&exports.path().join(&files[1]));
        ensure(
            pdf.contains("Synthèse de l'équipe") && pdf.contains(&format!("{notes} notes")),
            || format!("the report covers the {notes} notes: {pdf}"),
        )?;
        let table = std::fs::read_to_string(exports.path().join(&files[0]))?;
        ensure(
            table.starts_with("Méthode,Notes") && table.lines().count() == 8,
            || format!("a header and the seven methods: {table}"),
        )?;
        // The first theme's notes, from its table, then in the journal.
        app.click("#chart-themes summary").await?;
        let row = app
            .script("const r = document.querySelector('#chart-themes tbody tr'); return [r.querySelector('th').textContent, r.querySelectorAll('td')[0].textContent]")
            .await?;
        let (theme, count) = (
            row[0].as_str().unwrap_or_default().to_string(),
            row[1].as_str().unwrap_or_default().to_string(),
        );
        app.click("#chart-themes tbody tr button").await?;
        let listed = app.wait_text("#journal-count", " notes").await?;
        ensure(listed.starts_with(&format!("{count} ")), || {
            format!("the journal lists the {count} notes of {theme}: {listed}")
        })?;
        let chosen = app
            .script("const s = document.querySelector('#filter-theme'); return s.options[s.selectedIndex].textContent")
            .await?;
        ensure(chosen.as_str().is_some_and(|c| c.trim() == theme), || {
            format!("the theme filter shows {theme}: {chosen}")
        })?;
        // The same synthesis in English.
        app.select("#language", "en").await?;
        app.click("#nav-review").await?;
        app.click("#tab-synthesis").await?;
        let counts = app.wait_text("#synthesis-counts", "notes").await?;
        ensure(counts.starts_with(&notes), || {
            format!("in English too, the synthesis counts {notes} notes: {counts}")
        })?;
        app.wait_for("#chart-themes svg").await?;
        let label = app
            .script("return document.querySelector('#chart-themes svg').getAttribute('aria-label')")
            .await?;
        ensure(
            label
                .as_str()
                .is_some_and(|l| l.starts_with("Themes, by notes")),
            || format!("the chart is named in English: {label}"),
        )?;
        app.click("#chart-funnel summary").await?;
        app.wait_text("#chart-funnel thead", "Referrals").await?;
        let _ = app.screenshot("-charts-en").await;
        Ok(())
    });
}

/// The text of the only file of `dir` ending in `ext`.
fn exported(dir: &std::path::Path, ext: &str) -> Result<std::path::PathBuf> {
    let found: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    ensure(found.len() == 1, || {
        format!(
            "expected one .{ext} file in {}, found {found:?}",
            dir.display()
        )
    })?;
    Ok(found[0].clone())
}

#[test]
fn a_withdrawn_consent_takes_the_name_off_and_the_person_gets_their_data() {
    let exports = tempfile::tempdir().unwrap();
    let env = vec![("CARNET_EXPORT_DIR", exports.path().display().to_string())];
    scenario("law25_person", &env, async |app| {
        start_personal(app).await?;
        app.click("#nav-persons").await?;
        app.type_into("#person-pseudonym", "SH-0025").await?;
        app.click("#person-add").await?;
        app.wait_text("#person-title", "SH-0025").await?;
        app.wait_text("#consent-now", "jamais demandé").await?;
        for purpose in ["identifying-details", "sharing-with-partners"] {
            app.select("#consent-purpose", purpose).await?;
            app.click("#consent-record").await?;
            app.wait_text("#consent-effects", "Réponse inscrite")
                .await?;
        }
        app.wait_text("#consent-now [data-purpose=sharing-with-partners]", "donné")
            .await?;
        app.type_into("#identity-name", "Solange Marchand-Ouellet")
            .await?;
        app.click("#identity-form button[type=submit]").await?;
        app.wait_text("#identity-form", "Coordonnées enregistrées.")
            .await?;
        // A referral that names her to the organisation, with her consent.
        app.type_into("#referral-service", "Cuisine collective de l'Est")
            .await?;
        app.click("#referral-share").await?;
        app.click("#referral-make").await?;
        app.wait_text(".referral-shared", "Identité communiquée")
            .await?;

        // She withdraws both: the app says what it removed.
        app.select("#consent-purpose", "sharing-with-partners")
            .await?;
        app.click("input[name=consent-given]:not(:checked)").await?;
        app.click("#consent-record").await?;
        app.wait_text("#consent-effects", "ne communique plus son identité")
            .await?;
        ensure(app.count(".referral-shared").await? == 0, || {
            "the referral still says the identity is shared".into()
        })?;
        app.select("#consent-purpose", "identifying-details")
            .await?;
        app.click("#consent-record").await?;
        app.wait_text("#consent-effects", "ont été retirés de sa fiche")
            .await?;
        app.wait_text("#identity-consent", "consentement").await?;
        let page = app.page_text().await;
        ensure(!page.contains("Solange"), || {
            format!("the person's page still shows the name: {page}")
        })?;
        // The referral form no longer offers to share.
        let share = app
            .script("return document.querySelector('#referral-share').disabled")
            .await?;
        ensure(share == serde_json::json!(true), || {
            "sharing is still offered without consent".into()
        })?;

        // A note about her, linked from the note editor.
        capture(
            app,
            "Café du mardi",
            &format!(
                "SH-0025 cherche un logement plus proche du métro.{ENTER}Un autre participant parle du quartier."
            ),
        )
        .await?;
        app.type_into("#note-person-input", "sh-0025").await?;
        app.click("#note-person-add").await?;
        app.wait_text("#note-persons", "SH-0025").await?;
        app.click("#nav-persons").await?;
        app.click("#persons-list .card").await?;
        app.wait_text("#person-notes", "Café du mardi").await?;

        // Her data, for her: the files are written and the copy recorded.
        app.click("#person-export").await?;
        app.wait_text("#person-export-done", ".pdf").await?;
        app.wait_text("#person-disclosures", "Roxanne").await?;
        let json = std::fs::read_to_string(exported(exports.path(), "json")?)?;
        ensure(
            json.contains("SH-0025")
                && json.contains("Cuisine collective de l'Est")
                && json.contains("cherche un logement plus proche du métro")
                && !json.contains("Un autre participant")
                && !json.contains("Solange"),
            || format!("expected her export without the withdrawn name: {json}"),
        )?;
        let pdf = exported(exports.path(), "pdf")?;
        let text = common::pdf_text(&pdf);
        ensure(
            text.contains("Vos renseignements") && text.contains("SH-0025"),
            || format!("the PDF reads: {text}"),
        )?;
        Ok(())
    });
}

#[test]
fn a_coordinator_reports_a_lost_device_revokes_it_and_exports_the_register() {
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, code) = server.create_team("Pôle de Montréal-Nord", "Aline");
    let exports = tempfile::tempdir().unwrap();
    let env = vec![("CARNET_EXPORT_DIR", exports.path().display().to_string())];
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("law25_register", dir.path(), &env)
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            let jean_dir = tempfile::tempdir()?;
            let (mut jean, _) = carnet_client::sync::join(
                jean_dir.path(),
                carnet_client::sync::JoinOptions {
                    server: &server.url,
                    code: &server.invite(&team, "worker", true),
                    device_name: "portable-jean",
                    member_name: "Jean",
                    ca_pem: None,
                },
                common::env(3),
                |_| {},
            )
            .await?;
            join(&app, &server.url, &code, "Aline").await?;
            app.click("#nav-settings").await?;
            app.wait_text("#devices", "portable-jean").await?;
            let lost = app
                .client
                .find(fantoccini::Locator::XPath(
                    "//ul[@id='devices']/li[contains(., 'portable-jean')]//button[contains(@class,'report-lost')]",
                ))
                .await?;
            lost.click().await?;
            app.wait_text("#privacy-title", "Confidentialité").await?;
            let title = app
                .script("return document.querySelector('#incident-title').value")
                .await?;
            ensure(
                title.as_str().is_some_and(|t| t.contains("portable-jean")),
                || format!("expected the incident titled after the device, got {title}"),
            )?;
            let circumstances = app
                .script("return document.querySelector('#incident-circumstances').value")
                .await?;
            ensure(
                circumstances.as_str().is_some_and(|t| t.contains("Jean")),
                || format!("expected the device's member in the circumstances: {circumstances}"),
            )?;
            app.type_into("#incident-persons", "35").await?;
            app.type_into("#incident-sensitivity", "Élevée").await?;
            app.type_into("#incident-measures", "Appareil révoqué le jour même")
                .await?;
            app.click("#incident-save").await?;
            app.wait_text("#incident-saved", "Incident enregistré").await?;
            app.wait_text("#incidents", "portable-jean").await?;
            // The form still shows what was saved, ready to complete.
            let kept = app
                .script("return document.querySelector('#incident-sensitivity').value")
                .await?;
            ensure(kept == serde_json::json!("Élevée"), || {
                format!("the form forgot what was saved: {kept}")
            })?;
            app.click("#lost-revoke").await?;
            app.client.accept_alert().await?;
            app.wait_text("#lost-device", "révoqué").await?;
            // The register for the Commission, in PDF.
            app.click("#register-export button[data-kind=pdf]").await?;
            app.wait_text("#register-export", ".pdf").await?;
            let text = common::pdf_text(&exported(exports.path(), "pdf")?);
            for want in [
                "Registre des incidents de confidentialité",
                "portable-jean",
                "Appareil révoqué le jour même",
                "Nombre de personnes concernées",
            ] {
                ensure(text.contains(want), || {
                    format!("expected \"{want}\" in the register's PDF: {text}")
                })?;
            }
            // Jean's device is refused from now on.
            let client = carnet_client::sync::engine::server_client(&jean)?;
            let refused =
                carnet_client::sync::sync_until_quiet(&mut jean, &client, |_| {}).await;
            ensure(
                matches!(&refused, Err(e) if e.kind().is_unauthorized()),
                || format!("expected the revoked device to be refused, it got {refused:?}"),
            )?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn the_team_keeps_its_directory_from_the_app_and_imports_a_regional_one() {
    let exports = tempfile::tempdir().unwrap();
    let package = tempfile::tempdir().unwrap();
    // A small regional package: two organisations, one row without a name.
    std::fs::write(
        package.path().join("organizations.csv"),
        "id,name,alternate_name,description\n\
         0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d01,Carrefour d'entraide,Mutual Aid Crossroads,Aide alimentaire\n\
         0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d02,,,Sans nom\n",
    )
    .unwrap();
    std::fs::write(
        package.path().join("services.csv"),
        "id,organization_id,name,status,assured_date\n\
         a1000000-0000-4000-8000-000000000001,0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d01,Comptoir alimentaire,active,2024-02-01\n",
    )
    .unwrap();
    let env = vec![("CARNET_EXPORT_DIR", exports.path().display().to_string())];
    let package_path = package.path().display().to_string();
    scenario("directory", &env, async |app| {
        start_personal(app).await?;
        app.click("#nav-directory").await?;
        app.wait_text("#directory-count", "Aucune").await?;
        // A new organisation with a service and a location.
        app.click("#directory-add").await?;
        app.type_into("#resource-name-fr", "Épicerie solidaire du Nord")
            .await?;
        app.type_into("#resource-phones", "514-555-0101").await?;
        app.click("#resource-add-service").await?;
        app.type_into(".service-form .service-name-fr", "Paniers hebdomadaires")
            .await?;
        app.click("#service-needs-0 button[data-code=food-insecurity]")
            .await?;
        app.type_into(".service-form .service-hours", "Mardi 13 h-17 h")
            .await?;
        app.click("#resource-add-location").await?;
        app.type_into(
            ".location-form .location-address",
            "4500 boulevard Henri-Bourassa Est",
        )
        .await?;
        app.type_into(".location-form .location-sector", "Nord-Est")
            .await?;
        app.click("#resource-save").await?;
        app.wait_text("#directory-count", "1 ressource").await?;
        app.wait_text("#directory-list .verified", "Vérifié le")
            .await?;
        app.wait_text(".resource-detail", "Mardi 13 h-17 h").await?;
        app.wait_text(".resource-detail .verified-by", "Roxanne")
            .await?;
        // Found by words without their accents, and by its sector.
        app.type_into("#directory-words", "epicerie henri").await?;
        app.wait_text("#directory-count", "1 ressource").await?;
        app.type_into("#directory-words", " introuvable").await?;
        app.wait_text("#directory-count", "Aucune").await?;
        app.client
            .execute(
                "const w = document.querySelector('#directory-words'); w.value = ''; w.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![],
            )
            .await?;
        app.select("#directory-sector", "Nord-Est").await?;
        app.wait_text("#directory-count", "1 ressource").await?;
        app.select("#directory-sector", "").await?;
        // Edited: the service gets a second need; the form keeps the rest.
        app.click(".edit-resource").await?;
        app.click("#service-needs-0 button[data-code=social-isolation]")
            .await?;
        app.click("#resource-save").await?;
        app.wait_text(".resource-detail", "Isolement social")
            .await?;
        app.wait_text(".resource-detail", "Mardi 13 h-17 h").await?;
        // Retired: out of the list, back with "show retired".
        app.click(".retire-resource").await?;
        app.wait_text("#directory-count", "Aucune").await?;
        app.click("#directory-retired").await?;
        app.wait_text("#directory-list", "Retiré").await?;
        app.click("#directory-retired").await?;
        // A regional package: one organisation added, a row reported.
        app.click("#directory-transfer summary").await?;
        app.type_into("#directory-import-path", &package_path)
            .await?;
        app.click("#directory-import").await?;
        app.wait_text("#directory-import-report", "1 organisme(s) ajouté(s)")
            .await?;
        app.wait_text("#directory-import-report", "organizations.csv:3")
            .await?;
        app.wait_text("#directory-import-report", "il manque")
            .await?;
        app.wait_text("#directory-list", "Carrefour d'entraide")
            .await?;
        // Verified in 2024: due for verification after 12 months.
        app.click("#directory-unverified").await?;
        app.wait_text("#directory-count", "1 ressource").await?;
        app.wait_text("#directory-list", "Carrefour d'entraide")
            .await?;
        app.click("#directory-list .card").await?;
        app.click(".verify-resource").await?;
        app.wait_text("#directory-count", "Aucune").await?;
        app.click("#directory-unverified").await?;
        // The whole directory exported, retired organisation included.
        app.click("#directory-export").await?;
        let shown = app
            .wait_text("#directory-exported", "carnet-directory-hsds")
            .await?;
        let folder = std::fs::read_dir(exports.path())?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.is_dir())
            .ok_or_else(|| anyhow::anyhow!("no export folder: {shown}"))?;
        let organisations = std::fs::read_to_string(folder.join("organizations.csv"))?;
        for name in ["Épicerie solidaire du Nord", "Carrefour d'entraide"] {
            ensure(organisations.contains(name), || {
                format!("expected {name} in the exported organizations.csv: {organisations}")
            })?;
        }
        ensure(folder.join("datapackage.json").exists(), || {
            "the export carries its descriptor".into()
        })?;
        Ok(())
    });
}

#[test]
fn a_referral_to_a_directory_service_is_answered_closed_and_shown_in_the_loop() {
    scenario("referral_loop", &[], async |app| {
        start_personal(app).await?;
        // The organisation and its service, in the directory.
        app.click("#nav-directory").await?;
        app.click("#directory-add").await?;
        app.type_into("#resource-name-fr", "Épicerie solidaire du Nord")
            .await?;
        app.click("#resource-add-service").await?;
        app.type_into(".service-form .service-name-fr", "Paniers hebdomadaires")
            .await?;
        app.click("#service-needs-0 button[data-code=food-insecurity]")
            .await?;
        app.click("#resource-save").await?;
        app.wait_text("#directory-count", "1 ressource").await?;
        // A person referred to it, picked from the directory.
        app.click("#nav-persons").await?;
        app.type_into("#person-pseudonym", "SH-0030").await?;
        app.click("#person-add").await?;
        app.wait_text("#person-title", "SH-0030").await?;
        app.select("#referral-need", "food-insecurity").await?;
        app.wait_for("#referral-resource option:not([value=''])")
            .await?;
        let org = app
            .script("return [...document.querySelectorAll('#referral-resource option')].find(o => o.textContent.includes('Épicerie')).value")
            .await?;
        app.select("#referral-resource", org.as_str().unwrap_or_default())
            .await?;
        app.wait_for("#referral-service").await?;
        for _ in 0..50 {
            let typed = app
                .script("return document.querySelector('#referral-service').value")
                .await?;
            if typed.as_str().is_some_and(|v| v.contains("Paniers")) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        app.click("#referral-make").await?;
        app.wait_text(
            ".referral h4",
            "Épicerie solidaire du Nord — Paniers hebdomadaires",
        )
        .await?;
        // The organisation accepts, then the referral closes with its outcome.
        app.click(".referral .answer-accept").await?;
        app.wait_text(".referral .referral-status", "Acceptée")
            .await?;
        ensure(app.count(".referral .answer-accept").await? == 0, || {
            "an answered referral is not answered again".into()
        })?;
        app.select(".referral .close-outcome", "partly").await?;
        app.type_into(".referral .close-note", "Deux paniers sur quatre")
            .await?;
        app.click(".referral .close-apply").await?;
        app.wait_text(".referral .referral-status", "Complétée")
            .await?;
        app.wait_text(".referral .referral-result", "Service reçu en partie")
            .await?;
        app.wait_text(".referral .referral-outcome", "Deux paniers sur quatre")
            .await?;
        // The loop, in the synthesis.
        app.click("#nav-review").await?;
        app.click("#tab-synthesis").await?;
        let row = app
            .wait_text("#synthesis-loop", "Épicerie solidaire du Nord")
            .await?;
        ensure(row.contains("Insécurité alimentaire"), || {
            format!("the loop names the need: {row}")
        })?;
        app.wait_text("#synthesis-unanswered-none", "Aucune référence")
            .await?;
        Ok(())
    });
}

#[test]
fn a_partner_accepts_and_closes_a_referral_and_the_link_workers_app_shows_it() {
    use carnet_core::record::{Identity, Record};
    use carnet_core::vocab::{ConsentMethod, ConsentPurpose, NeedCategory};
    let _one = one_at_a_time();
    let server = common::TestServer::start();
    let (team, aline_code) = server.create_team("Clic Social", "Aline");
    // Nadia keeps the directory and refers Léa, who shares her name.
    let mut nadia =
        common::Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 71);
    let org = nadia
        .nb
        .save_resource(
            None,
            carnet_client::ResourceInput {
                name_fr: "Carrefour d'entraide".into(),
                services: vec![carnet_client::ServiceInput {
                    name_fr: "Comptoir alimentaire".into(),
                    needs: vec![NeedCategory::FoodInsecurity],
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .expect("organisation");
    let Record::Resource(r) = nadia.nb.record(org).expect("resource") else {
        panic!("a resource")
    };
    let lea = nadia
        .nb
        .create_person(carnet_client::PersonInput {
            pseudonym: "MN-0412".into(),
            ..Default::default()
        })
        .expect("person");
    for purpose in [
        ConsentPurpose::Referral,
        ConsentPurpose::IdentifyingDetails,
        ConsentPurpose::SharingWithPartners,
    ] {
        nadia
            .nb
            .record_consent(lea, purpose, true, ConsentMethod::Verbal)
            .expect("consent");
    }
    nadia
        .nb
        .set_identity(
            lea,
            Identity {
                name: Some("Léa Fortin".into()),
                phone: Some("514 555-0142".into()),
                address: None,
            },
        )
        .expect("identity");
    nadia
        .nb
        .add_referral(
            lea,
            carnet_client::ReferralInput {
                service: String::new(),
                resource_id: None,
                service_id: Some(r.services[0].id),
                need: NeedCategory::FoodInsecurity,
                note: None,
                status: None,
                share_identity: true,
            },
        )
        .expect("referral");
    nadia.sync().expect("sync");
    let partner_code = server.partner_invite(&team, org);
    runtime().block_on(async {
        // Paul, at the Carrefour, answers in the app.
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("partner", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &partner_code, "Paul").await?;
            ensure(
                app.count("#nav-journal, #nav-persons, #nav-capture")
                    .await?
                    == 0,
                || "a partner is offered the team's screens".into(),
            )?;
            app.wait_text(".partner-item", "MN-0412").await?;
            app.wait_text(".partner-identity", "Léa Fortin").await?;
            app.type_into("#partner-reason", "Rendez-vous mardi")
                .await?;
            app.click("#partner-accept").await?;
            app.wait_text(".partner-status", "Acceptée").await?;
            app.type_into(".message-input", "Nous l'attendons mardi à 10 h.")
                .await?;
            app.click(".message-send").await?;
            app.wait_text(".message-text", "mardi à 10 h").await?;
            app.select("#partner-outcome", "received").await?;
            app.type_into("#partner-close-note", "Panier reçu").await?;
            app.click("#partner-close-apply").await?;
            app.wait_text(".partner-result", "Service reçu").await?;
            app.wait_text(".steps", "Paul").await?;
            let _ = app.screenshot("-inbox").await;
            sync_until(&app, "Paul's answer sent", || async {
                app.count("#sync-waiting").await.unwrap_or(1) == 0
            })
            .await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;

        // Aline, who coordinates and refers too, sees how it ended.
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("partner_seen", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            join(&app, &server.url, &aline_code, "Aline").await?;
            app.click("#nav-persons").await?;
            app.click("#persons-list .card").await?;
            app.wait_text("#person-title", "MN-0412").await?;
            app.wait_text(".referral .referral-status", "Complétée")
                .await?;
            app.wait_text(".referral .referral-result", "Service reçu")
                .await?;
            let thread = app.wait_text(".referral .referral-thread", "Paul").await?;
            ensure(thread.contains("mardi à 10 h"), || {
                format!("Paul's message, named: {thread}")
            })?;
            app.type_into(".referral .message-input", "Merci, à mardi.")
                .await?;
            app.click(".referral .message-send").await?;
            app.wait_text(".referral .referral-thread", "Merci, à mardi.")
                .await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}
