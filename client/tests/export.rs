//! Export: every record as JSON, the notes as CSV, written to a file that
//! appears whole or not at all, and read back.

mod common;

use carnet_client::transfer::{export, ExportFormat, CSV_COLUMNS};
use carnet_core::vocab::{Method, NeedCategory};
use carnet_core::ErrorKind;
use common::{note, notebook, referred};

#[test]
fn json_holds_every_record_with_its_kind_and_text() {
    let (dir, mut nb) = notebook(31);
    let first = nb
        .create_note(note(
            Method::Residence,
            "Vitrine, jour 1",
            "Une mère, « déjà vu »",
        ))
        .expect("note");
    nb.create_note(note(Method::Outreach, "Au parc", "Deux aînés, seuls"))
        .expect("note");
    let (person, referral) = referred(
        &mut nb,
        "MN-0031",
        "Banque alimentaire",
        NeedCategory::FoodInsecurity,
        None,
    );
    let out = dir.path().join("export.json");
    let mut seen = Vec::new();
    let n = export(&mut nb, ExportFormat::Json, None, &out, |done, total| {
        seen.push((done, total));
        true
    })
    .expect("export");
    assert_eq!(
        n, 5,
        "the workspace, two notes, a person and their referral"
    );
    assert_eq!(seen.last(), Some(&(5, 5)), "progress reaches the end");
    let text = std::fs::read_to_string(&out).expect("read");
    let values: Vec<serde_json::Value> = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(values.len(), 5);
    let by_id = |id: String| {
        values
            .iter()
            .find(|v| v["id"] == serde_json::Value::String(id.clone()))
            .unwrap_or_else(|| panic!("record {id} is in the export"))
    };
    let n1 = by_id(first.to_string());
    assert_eq!(n1["kind"], "note");
    assert_eq!(n1["title"], "Vitrine, jour 1");
    assert_eq!(n1["method"], "residence");
    assert!(
        n1["body"]
            .as_str()
            .is_some_and(|b| b.contains("« déjà vu »")),
        "the body, accents and quotes intact: {n1}"
    );
    let p = by_id(person.to_string());
    assert_eq!(p["kind"], "person");
    assert_eq!(p["pseudonym"], "MN-0031");
    let r = by_id(referral.to_string());
    assert_eq!(r["kind"], "referral");
    assert_eq!(r["person"], person.to_string());
    assert_eq!(r["referral"]["service"], "Banque alimentaire");
    assert!(
        !dir.path().join("export.partial").exists(),
        "the partial file is renamed"
    );
}

#[test]
fn csv_has_one_row_per_note_read_back_by_a_csv_reader() {
    let (dir, mut nb) = notebook(32);
    nb.create_note(note(
        Method::Workshop,
        "Atelier, mardi",
        "Premier paragraphe\n\n« Deuxième », avec une virgule",
    ))
    .expect("note");
    referred(
        &mut nb,
        "MN-0032",
        "Aide au logement",
        NeedCategory::HousingInstability,
        None,
    );
    let out = dir.path().join("notes.csv");
    let n = export(&mut nb, ExportFormat::Csv, None, &out, |_, _| true).expect("export");
    assert_eq!(n, 1, "notes only: no person, no workspace");
    let mut reader = csv::Reader::from_path(&out).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), CSV_COLUMNS);
    assert_eq!(
        CSV_COLUMNS[9], "body",
        "the body comes last, as the README says"
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][1], "workshop");
    assert_eq!(&rows[0][2], "Atelier, mardi", "a comma inside a field");
    assert_eq!(
        &rows[0][9], "Premier paragraphe\n\n« Deuxième », avec une virgule",
        "line breaks and commas survive the round trip"
    );
    assert_eq!(&rows[0][6], "draft");
}

#[test]
fn an_export_that_cannot_be_written_says_where_and_leaves_nothing_behind() {
    let (dir, mut nb) = notebook(33);
    nb.create_note(note(Method::Outreach, "Note", "texte"))
        .expect("note");
    let out = dir.path().join("no-such-dir").join("export.json");
    let err =
        export(&mut nb, ExportFormat::Json, None, &out, |_, _| true).expect_err("no directory");
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("no-such-dir"), "{err}");
    assert!(!out.exists());
    // An export over an earlier one replaces it whole.
    let out = dir.path().join("export.json");
    std::fs::write(&out, "old").expect("write");
    export(&mut nb, ExportFormat::Json, None, &out, |_, _| true).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with('['), "the old file was replaced: {text}");
}

#[test]
fn a_cancelled_export_leaves_nothing_and_a_table_is_written_whole() {
    let (dir, mut nb) = common::notebook(13);
    nb.fill_demo(60, 3, |_| {}).expect("demo");
    let out = dir.path().join("cancelled.csv");
    let err =
        export(&mut nb, ExportFormat::Csv, None, &out, |done, _| done < 3).expect_err("cancelled");
    assert_eq!(err.kind(), carnet_core::ErrorKind::Cancelled);
    assert!(
        !out.exists() && !dir.path().join("cancelled.partial").exists(),
        "nothing left behind"
    );

    let (columns, rows) =
        carnet_client::transfer::passage_table(&nb, &carnet_client::PassageFilter::default())
            .expect("passages");
    assert!(!rows.is_empty(), "demo notes are coded");
    let table = dir.path().join("passages.json");
    carnet_client::transfer::write_table(&table, ExportFormat::Json, &columns, &rows)
        .expect("json");
    let values: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&table).expect("read")).expect("JSON");
    assert_eq!(values.len(), rows.len());
    assert_eq!(values[0]["passage"], rows[0][13].as_str());
    let csv_out = dir.path().join("passages.csv");
    carnet_client::transfer::write_table(&csv_out, ExportFormat::Csv, &columns, &rows)
        .expect("csv");
    let mut reader = csv::Reader::from_path(&csv_out).expect("csv");
    assert_eq!(reader.headers().expect("header").len(), columns.len());
    assert_eq!(reader.records().count(), rows.len());
}
