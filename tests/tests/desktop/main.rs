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
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("first_run_demo", dir.path(), &demo_env())
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            app.wait_text("#first-title", "Bienvenue dans Carnet")
                .await?;
            // Starting without a name says what is missing.
            app.click("#choice-demo").await?;
            app.click("#first-start").await?;
            app.wait_text(".field-error", "Ce champ est requis.")
                .await?;
            start_demo(&app, "Aline").await?;
            // The journal shows rows (windowed: far fewer than 300 in the DOM).
            app.wait_for(".note-row").await?;
            let rows = app.count(".note-row").await;
            ensure(rows > 0 && rows < DEMO, || {
                format!("expected a windowed list of notes, {rows} rows are in the page")
            })?;
            app.wait_text("#sync-label", "Carnet personnel").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
    });
}

#[test]
fn a_note_with_accents_is_found_by_searching_without_them() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("capture_search", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            start_personal(&app).await?;
            capture(
                &app,
                "Épicerie solidaire à Montréal-Nord",
                "Les aînées préfèrent venir le jeudi; elles évoquent la déménagement de la friperie.",
            )
            .await?;
            app.click("#nav-journal").await?;
            app.wait_text("#journal-count", "1 note").await?;
            app.type_into("#search", "epicerie aine").await?;
            app.wait_text("#search-results", "Épicerie solidaire").await?;
            // The words found are highlighted.
            app.wait_text("#search-results mark", "picerie").await?;
            app.click("#search-results .hit").await?;
            app.wait_text("#note-body", "aînées préfèrent").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
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
fn a_shadowing_log_takes_three_timestamped_entries() {
    let _one = one_at_a_time();
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let app = App::launch("shadowing_log", dir.path(), &[])
            .await
            .unwrap_or_else(|e| fail(e));
        let outcome = async {
            start_personal(&app).await?;
            app.click("#nav-capture").await?;
            app.click("#method [data-code=shadowing]").await?;
            app.type_into("#note-title", "Une journée avec M., livreur bénévole")
                .await?;
            app.click("#shadow-start").await?;
            app.wait_text("#shadow-elapsed", "0:0").await?;
            for entry in [
                "Départ du local, 8 h",
                "Arrêt à la banque alimentaire",
                "Visite chez une aînée isolée",
            ] {
                app.type_into("#shadow-entry", &format!("{entry}{ENTER}"))
                    .await?;
                app.wait_text("#shadow-log", entry).await?;
            }
            app.wait_count("#shadow-log li", 3).await?;
            // Each entry carries its time.
            app.wait_count("#shadow-log li time", 3).await?;
            app.wait_text("#shadow-elapsed", "Temps écoulé").await?;
            Ok(())
        }
        .await;
        app.finish(outcome).await;
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
