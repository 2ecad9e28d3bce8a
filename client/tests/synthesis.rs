//! The synthesis's aggregates over a small notebook whose answers are
//! known, and over a demo notebook where they must agree with the other
//! reads of the projection.

mod common;

use carnet_client::{Count, Cross, NoteFilter, NoteInput, PassageInput};
use carnet_core::vocab::{Barrier, CodedField, Method, NeedCategory, ReferralStatus};
use carnet_core::Timestamp;
use common::{notebook, referred};

fn cross(row: &str, column: &str, count: u32) -> Cross {
    Cross {
        row: row.into(),
        column: column.into(),
        count,
    }
}

fn count_of(v: &[Count], key: &str) -> u32 {
    v.iter().find(|c| c.key == key).map_or(0, |c| c.count)
}

#[test]
fn a_small_team_s_synthesis_counts_what_it_holds() {
    let (_dir, mut nb) = notebook(61);
    let at = |d: &str| -> Timestamp { format!("{d}T15:00:00Z").parse().expect("valid") };
    let input =
        |method, title: &str, when: &str, themes: &[&str], barriers: Vec<Barrier>, needs| {
            NoteInput {
                method: Some(method),
                title: title.into(),
                body: Some("Une mère parle de la solitude et du loyer.".into()),
                occurred_at: Some(at(when)),
                themes: themes.iter().map(|t| t.to_string()).collect(),
                barriers,
                needs,
                place: Some("Café du coin".into()),
                ..NoteInput::default()
            }
        };
    let a = nb
        .create_note(input(
            Method::Outreach,
            "A",
            "2026-10-03",
            &["isolement", "logement"],
            vec![Barrier::Cost, Barrier::Language],
            vec![NeedCategory::HousingInstability],
        ))
        .expect("a");
    nb.create_note(input(
        Method::Outreach,
        "B",
        "2026-11-05",
        &["isolement"],
        vec![Barrier::Cost],
        vec![],
    ))
    .expect("b");
    nb.create_note(input(
        Method::Workshop,
        "C",
        "2026-11-12",
        &["logement"],
        vec![],
        vec![NeedCategory::FoodInsecurity],
    ))
    .expect("c");
    nb.code_passage(
        a,
        &PassageInput {
            field: CodedField::Body,
            item: None,
            start: 21,
            end: 29,
            text: Some("solitude".into()),
        },
        &["isolement".into()],
    )
    .expect("coded");
    let (_p, r1) = referred(
        &mut nb,
        "MN-1",
        "Banque",
        NeedCategory::FoodInsecurity,
        None,
    );
    let (_q, _r2) = referred(
        &mut nb,
        "MN-2",
        "Logis",
        NeedCategory::HousingInstability,
        None,
    );
    nb.set_referral_status(r1, ReferralStatus::Completed, None)
        .expect("closed");

    let s = nb.synthesis(&NoteFilter::default()).expect("synthesis");
    assert_eq!((s.notes, s.passages), (3, 1));
    let iso = s
        .themes
        .iter()
        .find(|t| t.theme == "isolement")
        .expect("isolement");
    assert_eq!((iso.notes, iso.passages), (2, 1));
    assert_eq!(s.theme_pairs, [cross("isolement", "logement", 1)]);
    assert_eq!(
        s.barriers_by_method,
        [
            cross("cost", "outreach", 2),
            cross("language", "outreach", 1)
        ]
    );
    assert_eq!(
        s.needs_by_method,
        [
            cross("food-insecurity", "workshop", 1),
            cross("housing-instability", "outreach", 1)
        ]
    );
    assert_eq!(
        s.theme_barriers,
        [
            cross("isolement", "cost", 2),
            cross("isolement", "language", 1),
            cross("logement", "cost", 1),
            cross("logement", "language", 1)
        ]
    );
    assert_eq!(
        s.themes_by_month,
        [
            cross("2026-10", "isolement", 1),
            cross("2026-10", "logement", 1),
            cross("2026-11", "isolement", 1),
            cross("2026-11", "logement", 1)
        ],
        "months of the device's zone (the tests run in UTC)"
    );
    assert_eq!(count_of(&s.by_method, "outreach"), 2);
    assert_eq!(count_of(&s.by_place, "Café du coin"), 3);
    assert_eq!(count_of(&s.by_member, &nb.member().to_string()), 3);
    assert_eq!(count_of(&s.funnel, "completed"), 1);
    assert_eq!(s.funnel.iter().map(|c| c.count).sum::<u32>(), 2);
    assert_eq!(s.closing.closed, 1);
    assert!(
        s.closing.median_days.is_some_and(|d| d < 1.0),
        "closed the same day"
    );

    // A filter narrows every chart.
    let workshop = nb
        .synthesis(&NoteFilter {
            method: Some(Method::Workshop),
            ..NoteFilter::default()
        })
        .expect("filtered");
    assert_eq!((workshop.notes, workshop.passages), (1, 0));
    assert!(workshop.theme_pairs.is_empty() && workshop.barriers_by_method.is_empty());
    let cost = nb
        .synthesis(&NoteFilter {
            barrier: Some(Barrier::Cost),
            ..NoteFilter::default()
        })
        .expect("cost");
    assert_eq!(cost.notes, 2, "the notes where cost was a barrier");
    let food = nb
        .list_notes(
            &NoteFilter {
                need: Some(NeedCategory::FoodInsecurity),
                ..NoteFilter::default()
            },
            carnet_client::Page::default(),
        )
        .expect("journal");
    assert_eq!(food.total, 1, "the journal filters by need");
    let october = nb
        .synthesis(&NoteFilter {
            to: Some(at("2026-11-01")),
            ..NoteFilter::default()
        })
        .expect("october");
    assert_eq!(october.notes, 1);
    assert_eq!(
        october.funnel.iter().map(|c| c.count).sum::<u32>(),
        0,
        "no referral was made in October"
    );
}

#[test]
fn a_demo_team_s_synthesis_agrees_with_the_other_reads() {
    let (_dir, mut nb) = notebook(62);
    nb.fill_demo(600, 9, |_| {}).expect("demo");
    let s = nb.synthesis(&NoteFilter::default()).expect("synthesis");
    let counts = nb.counts().expect("counts");
    assert_eq!(i64::from(s.notes), counts.notes, "every note counted");
    assert_eq!(s.by_method.iter().map(|c| c.count).sum::<u32>(), s.notes);
    assert_eq!(s.by_member.iter().map(|c| c.count).sum::<u32>(), s.notes);
    let uses = nb.theme_uses().expect("uses");
    for t in &s.themes {
        let u = uses
            .iter()
            .find(|u| u.theme == t.theme)
            .expect("same themes");
        assert_eq!((t.notes, t.passages), (u.notes, u.passages), "{}", t.theme);
    }
    assert!(s.passages > 0, "demo notes are coded");
    let referrals = nb.list_referrals(None).expect("referrals").len() as u32;
    assert_eq!(s.funnel.iter().map(|c| c.count).sum::<u32>(), referrals);
    let months: u32 = s.themes_by_month.iter().map(|c| c.count).sum();
    let tagged: u32 = s.themes.iter().map(|t| t.notes).sum();
    assert!(months <= tagged && months > 0);
}
