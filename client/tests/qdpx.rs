//! The REFI-QDA export: a project every QDA tool can open. It validates
//! against the published schema (a copy in `tests/data/refi-qda/`, checked
//! with `xmllint --schema`), and reading it back gives the same notes,
//! themes (with their hierarchy and colours) and codings, each coding's
//! positions slicing its words out of the exported text.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use carnet_client::qdpx::export_qdpx;
use carnet_client::{NoteFilter, NoteInput, PassageInput};
use carnet_core::record::Theme;
use carnet_core::vocab::{CodedField, Lang, Method};
use common::notebook;
use quick_xml::events::Event;

fn schema() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/refi-qda/Project.xsd")
}

#[derive(Debug, Default)]
struct Project {
    users: HashMap<String, String>,
    /// guid → (name, colour, parent guid)
    codes: HashMap<String, (String, String, Option<String>)>,
    /// guid → (name, path)
    sources: HashMap<String, (String, String)>,
    /// (source guid, start, end, code guid, creating user)
    selections: Vec<(String, usize, usize, String, String)>,
}

fn attrs(e: &quick_xml::events::BytesStart<'_>) -> HashMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("attribute");
            (
                a.key.as_ref().to_string(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("value")
                    .into_owned(),
            )
        })
        .collect()
}

fn read_project(xml: &str) -> Project {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut p = Project::default();
    let mut codes: Vec<String> = Vec::new();
    let mut source = String::new();
    let mut selection: Option<(usize, usize, String)> = None;
    loop {
        match reader.read_event().expect("xml") {
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(&e);
                match e.name().as_ref() {
                    "User" => {
                        p.users.insert(a["guid"].clone(), a["name"].clone());
                    }
                    "Code" => {
                        p.codes.insert(
                            a["guid"].clone(),
                            (a["name"].clone(), a["color"].clone(), codes.last().cloned()),
                        );
                        codes.push(a["guid"].clone());
                    }
                    "TextSource" => {
                        source = a["guid"].clone();
                        p.sources.insert(
                            a["guid"].clone(),
                            (a["name"].clone(), a["plainTextPath"].clone()),
                        );
                    }
                    "PlainTextSelection" => {
                        selection = Some((
                            a["startPosition"].parse().expect("start"),
                            a["endPosition"].parse().expect("end"),
                            a["creatingUser"].clone(),
                        ));
                    }
                    "CodeRef" => {
                        let (s, e, user) = selection.clone().expect("in a selection");
                        p.selections
                            .push((source.clone(), s, e, a["targetGUID"].clone(), user));
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "Code" => {
                codes.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    p
}

#[test]
fn a_refi_qda_project_validates_and_reads_back_the_notes_themes_and_codings() {
    let (dir, mut nb) = notebook(71);
    nb.save_theme(Theme {
        code: "solitude-hiver".into(),
        label_fr: "Solitude l'hiver".into(),
        label_en: "Winter loneliness".into(),
        colour: "#336699".into(),
        parent: Some("isolement".into()),
        definition_fr: "Rester seul quand il fait froid & sombre.".into(),
        ..Theme::default()
    })
    .expect("sub-theme");
    let a = nb
        .create_note(NoteInput {
            method: Some(Method::Workshop),
            title: "Atelier « récits » <mardi>".into(),
            body: Some(
                "Une aînée 👵 dit qu'elle ne sort plus depuis l'hiver. Le loyer a doublé.".into(),
            ),
            ..NoteInput::default()
        })
        .expect("note");
    let story = nb
        .add_story(
            a,
            "Mon fils vit à Calgary, je ne le vois plus.",
            Some("une aînée"),
        )
        .expect("story");
    let comment = nb
        .add_comment(a, "À recouper avec l'atelier de jeudi.")
        .expect("comment");
    nb.code_words(
        a,
        CodedField::Body,
        None,
        "ne sort plus depuis l'hiver",
        &["solitude-hiver".into()],
    )
    .expect("body");
    nb.code_words(
        a,
        CodedField::Body,
        None,
        "Le loyer a doublé",
        &["logement".into(), "revenu".into()],
    )
    .expect("body");
    nb.code_words(
        a,
        CodedField::Story,
        Some(story),
        "je ne le vois plus",
        &["famille".into()],
    )
    .expect("story");
    nb.code_words(
        a,
        CodedField::Comment,
        Some(comment),
        "atelier de jeudi",
        &["leadership".into()],
    )
    .expect("comment");
    let b = nb
        .create_note(NoteInput {
            method: Some(Method::Outreach),
            title: "Café du coin".into(),
            body: Some("Discussion sur le transport.".into()),
            ..NoteInput::default()
        })
        .expect("note");
    nb.code_passage(
        b,
        &PassageInput {
            field: CodedField::Body,
            item: None,
            start: 18,
            end: 27,
            text: Some("transport".into()),
        },
        &["mobilite".into()],
    )
    .expect("coded");

    let out = dir.path().join("equipe.qdpx");
    let mut seen = Vec::new();
    let summary = export_qdpx(
        &mut nb,
        &NoteFilter::default(),
        Lang::Fr,
        &out,
        |done, total| {
            seen.push((done, total));
            true
        },
    )
    .expect("export");
    assert_eq!((summary.notes, summary.codings), (2, 6));
    assert_eq!(seen.last(), Some(&(2, 2)), "progress reaches the end");
    assert!(!dir.path().join("equipe.qdpx.partial").exists());

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).expect("open")).expect("a zip");
    let mut qde = String::new();
    zip.by_name("project.qde")
        .expect("project.qde")
        .read_to_string(&mut qde)
        .expect("read");
    let qde_path = dir.path().join("project.qde");
    std::fs::write(&qde_path, &qde).expect("write");
    let lint = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&qde_path)
        .output()
        .expect("xmllint runs (libxml2-utils)");
    assert!(
        lint.status.success(),
        "the project validates against REFI's Project.xsd: {}",
        String::from_utf8_lossy(&lint.stderr)
    );

    let p = read_project(&qde);
    assert_eq!(
        p.users.get(&nb.member().to_string()).map(String::as_str),
        Some("Aline")
    );
    let by_name: HashMap<&str, &(String, String, Option<String>)> =
        p.codes.values().map(|c| (c.0.as_str(), c)).collect();
    let sub = by_name["Solitude l'hiver"];
    assert_eq!(sub.1, "#336699");
    assert_eq!(
        sub.2.as_ref().map(|g| p.codes[g].0.as_str()),
        Some("Isolement social"),
        "the hierarchy is kept"
    );
    assert_eq!(p.sources.len(), 2);
    assert_eq!(
        p.sources[&a.to_string()].0,
        "Atelier « récits » <mardi>",
        "names are escaped and read back"
    );
    let mut coded: Vec<(String, String)> = Vec::new();
    for (source, start, end, code, user) in &p.selections {
        assert_eq!(user, &nb.member().to_string(), "the coder is a user");
        let path = &p.sources[source].1;
        let file = path.strip_prefix("internal://").expect("internal path");
        let mut text = String::new();
        zip.by_name(&format!("Sources/{file}"))
            .expect("source")
            .read_to_string(&mut text)
            .expect("read");
        let words: String = text.chars().skip(*start).take(end - start).collect();
        coded.push((p.codes[code].0.clone(), words));
    }
    coded.sort();
    assert_eq!(
        coded,
        [
            ("Famille".to_string(), "je ne le vois plus".to_string()),
            (
                "Leadership citoyen".to_string(),
                "atelier de jeudi".to_string()
            ),
            ("Logement".to_string(), "Le loyer a doublé".to_string()),
            (
                "Revenu et emploi".to_string(),
                "Le loyer a doublé".to_string()
            ),
            (
                "Solitude l'hiver".to_string(),
                "ne sort plus depuis l'hiver".to_string()
            ),
            ("Transport et mobilité".to_string(), "transport".to_string()),
        ],
        "each coding's positions slice its words out of the exported text (past an emoji)"
    );

    // Cancelled: nothing is left behind, the earlier export stays whole.
    let again = dir.path().join("annule.qdpx");
    let err = export_qdpx(
        &mut nb,
        &NoteFilter::default(),
        Lang::En,
        &again,
        |done, _| done < 1,
    )
    .expect_err("cancelled");
    assert_eq!(err.kind(), carnet_core::ErrorKind::Cancelled);
    assert!(!again.exists() && !dir.path().join("annule.qdpx.partial").exists());
    // A filter keeps only its notes.
    let only = dir.path().join("atelier.qdpx");
    let s = export_qdpx(
        &mut nb,
        &NoteFilter {
            method: Some(Method::Workshop),
            ..NoteFilter::default()
        },
        Lang::En,
        &only,
        |_, _| true,
    )
    .expect("filtered");
    assert_eq!((s.notes, s.codings), (1, 5));
}
