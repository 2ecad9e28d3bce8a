//! Coding passages as a team, against a real sync server on loopback:
//! two coders code the same notes offline, their codings merge and stay
//! on their words while the text changes, the passage view lists them,
//! agreement is measured between them, and a theme merge moves every
//! coding and tag.

use carnet_client::{NoteInput, Notebook, Page, PassageFilter, PassageInput};
use carnet_core::record::Theme;
use carnet_core::vocab::{CodedField, Method};
use carnet_core::{ErrorKind, RecordId};
mod common;

use common::{Device, TestServer};

fn note(nb: &mut Notebook, title: &str, body: &str) -> RecordId {
    nb.create_note(NoteInput {
        method: Some(Method::Workshop),
        title: title.into(),
        body: Some(body.into()),
        themes: vec!["isolement".into()],
        ..NoteInput::default()
    })
    .expect("note")
}

fn passages(nb: &Notebook, theme: &str) -> Vec<String> {
    let page = nb
        .passages(
            &PassageFilter {
                theme: Some(theme.into()),
                ..PassageFilter::default()
            },
            Page::default(),
        )
        .expect("passages");
    let mut texts: Vec<String> = page.items.into_iter().map(|p| p.text).collect();
    texts.sort();
    texts
}

#[test]
fn two_coders_code_offline_and_their_codings_merge_and_follow_the_words() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Pôle Montréal-Nord", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 41);
    let atelier = note(
        &mut aline.nb,
        "Atelier du mardi",
        "Une mère raconte qu'elle ne sort plus depuis l'hiver. Le loyer a doublé.",
    );
    aline.sync().expect("sync");
    let mut jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 42);

    // Offline, both code overlapping passages; Aline also edits the text
    // before and inside what Jean coded.
    aline
        .nb
        .code_words(
            atelier,
            CodedField::Body,
            None,
            "elle ne sort plus depuis l'hiver",
            &["isolement".into()],
        )
        .expect("Aline codes");
    let j = jean
        .nb
        .code_words(
            atelier,
            CodedField::Body,
            None,
            "ne sort plus",
            &["isolement".into(), "sante-mentale".into()],
        )
        .expect("Jean codes");
    assert_eq!(j.len(), 2, "one coding per theme");
    jean.nb
        .code_words(
            atelier,
            CodedField::Body,
            None,
            "Le loyer a doublé",
            &["logement".into()],
        )
        .expect("Jean codes housing");
    aline
        .nb
        .set_body(
            atelier,
            "Au café, une mère raconte qu'elle ne sort presque plus depuis l'hiver. Le loyer a doublé en un an.",
        )
        .expect("Aline edits");
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    aline.sync().expect("sync");

    for (who, nb) in [("Aline", &aline.nb), ("Jean", &jean.nb)] {
        assert_eq!(
            passages(nb, "isolement"),
            [
                "elle ne sort presque plus depuis l'hiver",
                "ne sort presque plus"
            ],
            "{who}: both coders' passages, with the word typed inside"
        );
        assert_eq!(
            passages(nb, "logement"),
            ["Le loyer a doublé"],
            "{who}: the words added after stay out"
        );
    }
    let live = aline.nb.projection_dump().expect("dump");
    aline.nb.rebuild_projection().expect("rebuild");
    assert_eq!(
        aline.nb.projection_dump().expect("dump"),
        live,
        "the codings rebuild equal"
    );
    assert_eq!(
        aline
            .nb
            .projection_dump()
            .expect("dump")
            .iter()
            .filter(|l| l.starts_with("codings:"))
            .count(),
        4
    );
    let jean_dump: Vec<String> = jean.nb.projection_dump().expect("dump");
    assert_eq!(
        jean_dump
            .iter()
            .filter(|l| l.starts_with("codings:"))
            .collect::<Vec<_>>(),
        live.iter()
            .filter(|l| l.starts_with("codings:"))
            .collect::<Vec<_>>(),
        "both devices hold the same passages"
    );

    // Agreement over the note both coded: isolement overlaps in part.
    let agreement = aline
        .nb
        .agreement(aline.nb.member(), jean.nb.member())
        .expect("agreement");
    assert_eq!(agreement.notes, 1);
    let body_len = "Au café, une mère raconte qu'elle ne sort presque plus depuis l'hiver. Le loyer a doublé en un an."
        .chars()
        .count() as u64;
    assert_eq!(agreement.characters, body_len);
    let iso = agreement
        .themes
        .iter()
        .find(|t| t.theme == "isolement")
        .expect("isolement");
    let aline_len = "elle ne sort presque plus depuis l'hiver".chars().count() as u64;
    let jean_len = "ne sort presque plus".chars().count() as u64;
    assert_eq!(
        iso.tally.both, jean_len,
        "Jean's passage lies inside Aline's"
    );
    assert_eq!(iso.tally.first_only, aline_len - jean_len);
    assert_eq!(iso.tally.second_only, 0);
    let kappa = iso.kappa.expect("defined");
    assert!(kappa > 0.0 && kappa < 1.0, "partial agreement: {kappa}");
    let housing = agreement
        .themes
        .iter()
        .find(|t| t.theme == "logement")
        .expect("logement");
    assert_eq!(housing.tally.both, 0, "only Jean coded housing");
    assert!(
        housing.kappa.expect("defined").abs() < 1e-9,
        "one coder alone: no agreement beyond chance"
    );

    // Only a coding's coder removes it.
    let detail = aline.nb.note_detail(atelier).expect("detail");
    let jeans = detail
        .passages
        .iter()
        .find(|p| p.coder == jean.nb.member())
        .expect("Jean's");
    let err = aline
        .nb
        .remove_coding(atelier, jeans.coding)
        .expect_err("not hers");
    assert_eq!(err.kind(), ErrorKind::BadInput, "{err}");
}

#[test]
fn merging_a_theme_moves_every_coding_and_tag_as_one_change_per_note() {
    let server = TestServer::start();
    let (_team, code) = server.create_team("Équipe Sherbrooke", "Nadia");
    let mut nadia = Device::join(&server, &code, "Nadia", 43);
    nadia
        .nb
        .save_theme(Theme {
            code: "solitude".into(),
            label_fr: "Solitude".into(),
            label_en: "Loneliness".into(),
            colour: "#336699".into(),
            definition_fr: "Se sentir seul, même entouré.".into(),
            ..Theme::default()
        })
        .expect("theme");
    nadia
        .nb
        .save_theme(Theme {
            code: "solitude-hiver".into(),
            label_fr: "Solitude l'hiver".into(),
            label_en: "Winter loneliness".into(),
            colour: "#336699".into(),
            parent: Some("solitude".into()),
            ..Theme::default()
        })
        .expect("sub-theme");
    let a = note(
        &mut nadia.nb,
        "Parc Jacques-Cartier",
        "Un homme âgé dit qu'il parle à personne.",
    );
    let b = note(
        &mut nadia.nb,
        "Salle communautaire",
        "Une voisine se sent seule le soir.",
    );
    nadia
        .nb
        .update_note(
            a,
            carnet_client::NotePatch {
                themes: Some(vec!["solitude".into()]),
                ..Default::default()
            },
        )
        .expect("tag");
    nadia
        .nb
        .code_passage(
            b,
            &PassageInput {
                field: CodedField::Body,
                item: None,
                start: 12,
                end: 25,
                text: Some("se sent seule".into()),
            },
            &["solitude".into()],
        )
        .expect("code");
    let history_before = nadia.nb.history(b).expect("history").len();

    let moved = nadia
        .nb
        .merge_theme("solitude", "isolement")
        .expect("merge");
    assert_eq!(moved, 2, "the tagged note and the coded note");
    assert_eq!(passages(&nadia.nb, "isolement"), ["se sent seule"]);
    assert!(passages(&nadia.nb, "solitude").is_empty());
    assert_eq!(
        nadia.nb.history(b).expect("history").len(),
        history_before + 1,
        "one change for the note"
    );
    let w = nadia.nb.workspace().expect("workspace");
    let old = w.theme("solitude").expect("kept");
    assert!(old.archived && old.merged_into.as_deref() == Some("isolement"));
    assert_eq!(
        w.theme("solitude-hiver").and_then(|t| t.parent.as_deref()),
        Some("isolement"),
        "sub-themes move"
    );
    let tagged = nadia.nb.note_detail(a).expect("a").note.themes;
    assert_eq!(tagged, ["isolement"], "the tag moved and is not doubled");

    // An archived theme is no longer offered for coding.
    let err = nadia
        .nb
        .code_words(b, CodedField::Body, None, "voisine", &["solitude".into()])
        .expect_err("archived");
    assert_eq!(err.kind(), ErrorKind::BadInput, "{err}");
    nadia.sync().expect("the merge syncs");
}
