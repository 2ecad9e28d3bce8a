//! Backups against a real sync server on loopback: a device's backup,
//! restored into an empty directory after the device went on working,
//! syncs safely (the server sends back what the device pushed after the
//! backup, and the restored notebook goes on writing); backups refused
//! when truncated, foreign or sealed by another passphrase, leaving the
//! directory untouched.

mod common;

use carnet_client::backup;
use carnet_client::{NoteFilter, NoteInput, Notebook, Page, Passphrase, Unlock};
use carnet_core::vocab::Method;
use common::{env, Device, TestServer};

fn titles(nb: &Notebook) -> Vec<String> {
    let mut t: Vec<String> = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 500,
            },
        )
        .expect("list")
        .items
        .into_iter()
        .map(|n| n.title)
        .collect();
    t.sort();
    t
}

fn note(dev: &mut Device, title: &str) {
    dev.nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: title.into(),
            body: Some("Au parc, avec les mères du quartier.".into()),
            ..NoteInput::default()
        })
        .expect("note");
}

#[test]
fn a_device_restored_from_an_old_backup_gets_back_what_it_pushed_since_and_goes_on() {
    let server = TestServer::start();
    let (_team, code) = server.create_team("Pôle", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    note(&mut aline, "Avant la sauvegarde");
    aline.sync().expect("sync");

    let out = tempfile::tempdir().expect("dir");
    let file = out.path().join("aline.carnetbk");
    let phrase = Passphrase::choose("la sauvegarde du mardi soir").expect("long enough");
    let mut steps = 0;
    let info = aline
        .nb
        .backup(&file, Some(&phrase), |p| {
            steps += 1;
            assert!(p.done <= p.total);
        })
        .expect("backup");
    assert!(steps > 0, "progress was reported");
    assert!(info.needs_passphrase);
    assert_eq!(
        (info.team.as_str(), info.member.as_str()),
        ("Pôle", "Aline")
    );

    note(&mut aline, "Après la sauvegarde, envoyée");
    aline.sync().expect("sync");
    note(&mut aline, "Après la sauvegarde, jamais envoyée");

    // The laptop dies; the backup comes back on a new one.
    let restored_dir = tempfile::tempdir().expect("dir");
    let target = restored_dir.path().join("carnet");
    let err = backup::restore(&file, &target, &Unlock::SecretStore, &Unlock::SecretStore)
        .expect_err("the backup's passphrase is needed");
    assert!(matches!(err, carnet_client::ClientError::Locked), "{err:?}");
    let wrong = Unlock::Passphrase(Passphrase::new("la sauvegarde du lundi").expect("p"));
    let err = backup::restore(&file, &target, &wrong, &Unlock::SecretStore)
        .expect_err("a wrong passphrase");
    assert_eq!(err.kind(), carnet_core::ErrorKind::WrongPassphrase);
    assert!(!target.join("notebook.db").exists(), "nothing restored yet");
    backup::restore(
        &file,
        &target,
        &Unlock::Passphrase(phrase),
        &Unlock::SecretStore,
    )
    .expect("restore");
    let mut restored = Device {
        nb: Notebook::open(&target, env(5)).expect("the restored notebook opens"),
        dir: restored_dir,
    };
    assert_eq!(
        titles(&restored.nb),
        vec!["Avant la sauvegarde".to_string()]
    );
    restored.sync().expect("the restored device syncs");
    assert_eq!(
        titles(&restored.nb),
        vec![
            "Après la sauvegarde, envoyée".to_string(),
            "Avant la sauvegarde".to_string()
        ],
        "what it pushed after the backup comes back from the server"
    );
    note(&mut restored, "Sur le portable restauré");
    restored.sync().expect("sync");

    let jean = Device::join(&server, &server.invite_any(), "Jean", 9);
    assert_eq!(
        titles(&jean.nb),
        vec![
            "Après la sauvegarde, envoyée".to_string(),
            "Avant la sauvegarde".to_string(),
            "Sur le portable restauré".to_string()
        ],
        "the team has everything that reached the server"
    );
}

#[test]
fn a_truncated_foreign_or_altered_backup_is_refused_and_nothing_is_touched() {
    let server = TestServer::start();
    let (_team, code) = server.create_team("Pôle", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    aline.nb.fill_demo(200, 4, |_| {}).expect("demo");
    let out = tempfile::tempdir().expect("dir");
    let file = out.path().join("aline.carnetbk");
    aline.nb.backup(&file, None, |_| {}).expect("backup");
    let bytes = std::fs::read(&file).expect("read");

    let target = tempfile::tempdir().expect("dir");
    std::fs::write(target.path().join("ui.json"), b"{}").expect("a file of the person's");
    let before: Vec<_> = std::fs::read_dir(target.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    let refused = |bytes: &[u8], why: &str| {
        let bad = out.path().join("bad.carnetbk");
        std::fs::write(&bad, bytes).expect("write");
        let err = backup::restore(
            &bad,
            target.path(),
            &Unlock::SecretStore,
            &Unlock::SecretStore,
        )
        .expect_err(why);
        assert!(
            err.to_string().contains("not a Carnet backup")
                && err.to_string().contains("nothing was changed"),
            "{why}: {err}"
        );
        let after: Vec<_> = std::fs::read_dir(target.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(after, before, "{why}: the directory is untouched");
    };
    refused(&bytes[..bytes.len() / 2], "a truncated backup");
    refused(b"PK\x03\x04 a zip file, not a backup", "a foreign file");
    let mut altered = bytes.clone();
    let i = altered.len() - 100;
    altered[i] ^= 0xFF;
    refused(&altered, "an altered backup");

    // The whole one restores, into a directory without a notebook.
    backup::restore(
        &file,
        target.path(),
        &Unlock::SecretStore,
        &Unlock::SecretStore,
    )
    .expect("restore");
    let nb = Notebook::open(target.path(), env(3)).expect("opens");
    assert_eq!(
        nb.counts().expect("counts").notes,
        aline.nb.counts().expect("counts").notes
    );
    // And not over a notebook.
    let err = backup::restore(
        &file,
        target.path(),
        &Unlock::SecretStore,
        &Unlock::SecretStore,
    )
    .expect_err("a notebook is there");
    assert_eq!(err.kind(), carnet_core::ErrorKind::AlreadyExists);
}
