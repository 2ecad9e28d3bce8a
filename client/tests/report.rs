//! The printable synthesis, read back with `pdftotext`: in French and in
//! English it holds its title, each chart's title with the counts the
//! projection gives, the chosen themes with their definitions and
//! passages, French typography, and never a person's identity.

mod common;

use carnet_client::report::report_pdf;
use carnet_client::{NoteFilter, NoteInput};
use carnet_core::record::{Identity, Theme};
use carnet_core::vocab::{
    Barrier, CodedField, ConsentMethod, ConsentPurpose, Lang, Method, NeedCategory, ReferralStatus,
};
use common::{notebook, pdf_text as text_of, referred};

/// Whether the PDF's text holds a non-breaking space: the Unicode maps of
/// its fonts name U+00A0 (pdftotext prints it as a plain space).
fn holds_nbsp(pdf: &std::path::Path) -> bool {
    use std::io::Read;
    let data = std::fs::read(pdf).expect("read");
    let mut found = false;
    let mut rest = &data[..];
    while let Some(i) = rest.windows(7).position(|w| w == b"stream\n") {
        let body = &rest[i + 7..];
        let end = body
            .windows(9)
            .position(|w| w == b"endstream")
            .unwrap_or(body.len());
        let mut out = Vec::new();
        if flate2::read::ZlibDecoder::new(&body[..end])
            .read_to_end(&mut out)
            .is_ok()
            && out.windows(6).any(|w| w == b"<00A0>")
        {
            found = true;
        }
        rest = &body[(end + 9).min(body.len())..];
    }
    found
}

/// Whether a line of the text holds `label` and then `count` (a bar's
/// label, its bar, its figure).
fn has_bar(text: &str, label: &str, count: u32) -> bool {
    text.lines().any(|l| {
        l.trim_start().starts_with(label)
            && l.split_whitespace().last() == Some(count.to_string().as_str())
    })
}

#[test]
fn the_report_says_what_the_projection_says_in_both_languages_and_names_no_one() {
    let (dir, mut nb) = notebook(81);
    nb.save_theme(Theme {
        code: "isolement".into(),
        label_fr: "Isolement social".into(),
        label_en: "Social isolation".into(),
        colour: "#264653".into(),
        definition_fr: "Peu ou pas de liens avec d'autres personnes.".into(),
        definition_en: "Few or no ties with other people.".into(),
        ..Theme::default()
    })
    .expect("definition");
    for (i, (title, body, method)) in [
        (
            "Café du coin",
            "Un aîné dit qu'il ne parle à personne depuis des semaines.",
            Method::Outreach,
        ),
        (
            "Atelier du mardi",
            "Les mères parlent du loyer qui a doublé et de la solitude.",
            Method::Workshop,
        ),
        (
            "Porte-à-porte",
            "Une famille ne sait pas où trouver l'aide alimentaire.",
            Method::Outreach,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let id = nb
            .create_note(NoteInput {
                method: Some(method),
                title: title.into(),
                body: Some(body.into()),
                themes: if i < 2 {
                    vec!["isolement".into()]
                } else {
                    vec!["alimentation".into()]
                },
                barriers: vec![Barrier::Cost],
                needs: vec![NeedCategory::FoodInsecurity],
                ..NoteInput::default()
            })
            .expect("note");
        if i == 0 {
            nb.code_words(
                id,
                CodedField::Body,
                None,
                "ne parle à personne",
                &["isolement".into()],
            )
            .expect("code");
        }
    }
    let (person, referral) = referred(
        &mut nb,
        "MN-0042",
        "Banque alimentaire",
        NeedCategory::FoodInsecurity,
        None,
    );
    nb.record_consent(
        person,
        ConsentPurpose::IdentifyingDetails,
        true,
        ConsentMethod::Verbal,
    )
    .expect("consent");
    nb.set_identity(
        person,
        Identity {
            name: Some("Ginette Labrecque-Synthétique".into()),
            phone: Some("514-555-0199".into()),
            address: None,
        },
    )
    .expect("identity");
    nb.set_referral_status(referral, ReferralStatus::Completed, None)
        .expect("closed");
    let s = nb.synthesis(&NoteFilter::default()).expect("synthesis");

    let fr = dir.path().join("synthese.pdf");
    let summary = report_pdf(&mut nb, &NoteFilter::default(), Lang::Fr, None, &fr).expect("report");
    assert_eq!((summary.notes, summary.themes), (3, 1));
    let text = text_of(&fr);
    for needle in [
        "Synthèse de l'équipe",
        "Pôle Montréal-Nord",
        "Période : toutes les notes",
        "Thèmes, par notes",
        "Thèmes, par passages codés",
        "Obstacles aux services observés, par notes",
        "Besoins observés, par notes",
        "Notes par méthode",
        "Thème : Isolement social",
        "Définition : Peu ou pas de liens",
        "« ne parle à personne »",
        "Références par statut",
        "La boucle avec les organismes partenaires",
        "Banque alimentaire — Insécurité alimentaire : envoyées 1 · acceptées 1 · refusées 0",
        "complétées 1 · service reçu 0",
        "Références sans réponse après 14 jours : 0.",
    ] {
        assert!(
            text.contains(needle),
            "the French report holds {needle:?}:\n{text}"
        );
    }
    let iso = s
        .themes
        .iter()
        .find(|t| t.theme == "isolement")
        .expect("isolement");
    assert!(
        has_bar(&text, "Isolement social", iso.notes),
        "the bar says {} notes:\n{text}",
        iso.notes
    );
    assert!(
        has_bar(&text, "Coût", 3),
        "three notes name cost as a barrier:\n{text}"
    );
    assert!(
        has_bar(&text, "Intervention de proximité", 2),
        "two outreach notes:\n{text}"
    );
    assert!(
        has_bar(&text, "Complétée", 1),
        "the completed referral:\n{text}"
    );
    for secret in ["Ginette", "Labrecque", "514-555-0199", "MN-0042"] {
        assert!(
            !text.contains(secret),
            "no identity field in the report ({secret})"
        );
    }
    assert!(
        holds_nbsp(&fr),
        "French typography: non-breaking spaces before : and inside « »"
    );
    let raw = std::fs::read(&fr).expect("read");
    assert!(raw.starts_with(b"%PDF-"), "a PDF");

    let en = dir.path().join("synthesis.pdf");
    report_pdf(
        &mut nb,
        &NoteFilter {
            method: Some(Method::Outreach),
            ..NoteFilter::default()
        },
        Lang::En,
        Some(&["isolement".into()]),
        &en,
    )
    .expect("report");
    let text = text_of(&en);
    for needle in [
        "Team synthesis",
        "Filter: method Outreach",
        "Themes, by notes",
        "Theme: Social isolation",
        "Definition: Few or no ties",
        "“ne parle à personne”",
    ] {
        assert!(
            text.contains(needle),
            "the English report holds {needle:?}:\n{text}"
        );
    }
    assert!(
        has_bar(&text, "Social isolation", 1),
        "one outreach note on isolation:\n{text}"
    );
    assert!(
        !text.contains('«') && !text.contains("Ginette"),
        "English typography, no identity"
    );
    assert!(!holds_nbsp(&en), "no French spaces in English");
}
