//! The office's review against a real sync server on loopback: what other
//! members changed since I last looked, named, with their words shown,
//! mentions first, and marking it seen.

use carnet_client::{InboxFilter, NoteInput, NotePatch, Notebook};
use carnet_core::changes::SpanKind;
use carnet_core::vocab::Method;
mod common;

use common::{Device, TestServer};

fn note(title: &str, body: &str) -> NoteInput {
    NoteInput {
        method: Some(Method::Workshop),
        title: title.into(),
        body: Some(body.into()),
        ..NoteInput::default()
    }
}

#[test]
fn the_inbox_names_who_changed_what_since_i_last_looked_with_mentions_first() {
    let server = TestServer::start();
    let (team, code) = server.create_team("Pôle Montréal-Nord", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 31);
    let tuesday = aline
        .nb
        .create_note(note("Atelier du mardi", "Les mères parlent du parc."))
        .expect("note");
    aline.sync().expect("sync");
    let mut jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 32);
    assert_eq!(
        jean.nb.review_counts().expect("counts").unseen,
        0,
        "what the first sync brings is the team's past, not news"
    );

    // While Aline is away, Jean writes, comments naming her, and makes a
    // note of his own.
    jean.nb
        .set_body(tuesday, "Les mères parlent du parc et de l'école.")
        .expect("body");
    jean.nb
        .update_note(
            tuesday,
            NotePatch {
                title: Some("Atelier du mardi, récits".into()),
                ..Default::default()
            },
        )
        .expect("title");
    let comment = jean
        .nb
        .add_comment(tuesday, "@Aline, peux-tu relire la fin?")
        .expect("comment");
    jean.nb
        .code_words(
            tuesday,
            carnet_core::vocab::CodedField::Body,
            None,
            "parlent du parc",
            &["isolement".into()],
        )
        .expect("Jean codes a passage");
    let own = jean
        .nb
        .create_note(note("Café du coin", "Discussion sur le transport."))
        .expect("note");
    jean.sync().expect("sync");
    assert_eq!(
        jean.nb.review_counts().expect("counts").unseen,
        0,
        "my own changes are not news to me"
    );
    aline.sync().expect("sync");

    let counts = aline.nb.review_counts().expect("counts");
    // The two notes, and the team: Jean joined it.
    assert_eq!((counts.unseen, counts.mentions), (3, 1));
    let page = aline
        .nb
        .inbox(&InboxFilter::default(), 50, 0)
        .expect("inbox");
    assert_eq!(page.total, 3);
    assert_eq!(page.items[0].id, tuesday, "the note naming me comes first");
    assert!(page.items[0].mention);
    let by = &page.items[0].by;
    assert_eq!(by.len(), 1);
    assert_eq!(by[0].author, Some(jean.nb.member()), "named: Jean");
    assert_eq!(by[0].words_added, 3, "et, de, l'école");
    assert_eq!(by[0].comments_added, 1);
    assert_eq!(by[0].fields, ["body", "codings", "comments", "title"]);
    assert_eq!(
        (by[0].codings_added, by[0].themes_coded.as_slice()),
        (1, ["isolement".to_string()].as_slice()),
        "Jean coded one passage 'isolement'"
    );
    let new_note = page
        .items
        .iter()
        .find(|i| i.id == own)
        .expect("Jean's note");
    assert!(new_note.by[0].created, "Jean's new note is news too");
    let team = page
        .items
        .iter()
        .find(|i| i.kind == carnet_core::RecordKind::Workspace)
        .expect("the team");
    assert_eq!(team.by[0].fields, ["members"], "Jean joined the team");

    // Opening it shows Jean's words where they are, and the title before → after.
    let detail = aline.nb.inbox_item(tuesday).expect("opened");
    let body = detail
        .texts
        .iter()
        .find(|t| t.path == "body")
        .expect("the body changed");
    let added: Vec<_> = body
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Added)
        .map(|s| (s.text.as_str(), s.author))
        .collect();
    assert_eq!(added, [(" et de l'école", Some(jean.nb.member()))]);
    let title = detail
        .fields
        .iter()
        .find(|f| f.path == "title")
        .expect("the title changed");
    assert_eq!(
        (title.before.as_str(), title.after.as_str()),
        ("Atelier du mardi", "Atelier du mardi, récits")
    );
    assert!(
        detail.texts.iter().any(|t| t.path.starts_with("comments.")),
        "the comment is new text"
    );

    // Filters.
    let by_jean = InboxFilter {
        author: Some(jean.nb.member()),
        ..Default::default()
    };
    assert_eq!(aline.nb.inbox(&by_jean, 50, 0).expect("inbox").total, 3);
    let by_aline = InboxFilter {
        author: Some(aline.nb.member()),
        ..Default::default()
    };
    assert_eq!(aline.nb.inbox(&by_aline, 50, 0).expect("inbox").total, 0);
    let outreach = InboxFilter {
        method: Some(Method::Outreach),
        ..Default::default()
    };
    assert_eq!(aline.nb.inbox(&outreach, 50, 0).expect("inbox").total, 0);
    let notes = InboxFilter {
        kind: Some(carnet_core::RecordKind::Note),
        ..Default::default()
    };
    assert_eq!(aline.nb.inbox(&notes, 50, 0).expect("inbox").total, 2);

    // Seen, unseen again, all seen; it lasts a restart.
    assert_eq!(aline.nb.mark_seen(Some(&[tuesday])).expect("seen"), 1);
    let counts = aline.nb.review_counts().expect("counts");
    assert_eq!(
        (counts.unseen, counts.mentions),
        (2, 0),
        "a seen mention no longer counts"
    );
    assert_eq!(aline.nb.mark_unseen(&[tuesday]).expect("unseen"), 1);
    assert_eq!(
        aline.nb.inbox_item(tuesday).expect("again").texts.len(),
        detail.texts.len(),
        "unseen again, it shows the same changes"
    );
    assert_eq!(aline.nb.mark_seen(None).expect("all seen"), 3);
    let dir = aline.dir.path().to_path_buf();
    drop(aline.nb);
    let mut reopened = Notebook::open(&dir, common::env(33)).expect("reopen");
    assert_eq!(
        reopened.review_counts().expect("counts").unseen,
        0,
        "seen survives a restart"
    );
    let all = InboxFilter {
        include_seen: true,
        ..Default::default()
    };
    assert_eq!(
        reopened.inbox(&all, 50, 0).expect("inbox").total,
        3,
        "seen records can still be listed"
    );

    // Jean edits his comment: the news starts again from what Aline saw.
    jean.nb
        .edit_comment(tuesday, comment, "@Aline, relis la fin quand tu peux.")
        .expect("edit");
    jean.sync().expect("sync");
    let client = carnet_client::sync::engine::server_client(&reopened).expect("client");
    common::rt()
        .block_on(carnet_client::sync::sync_until_quiet(
            &mut reopened,
            &client,
            |_| {},
        ))
        .expect("sync");
    let page = reopened
        .inbox(&InboxFilter::default(), 50, 0)
        .expect("inbox");
    assert_eq!(page.total, 1);
    assert!(page.items[0].mention, "an edited comment naming me is news");
    let detail = reopened.inbox_item(tuesday).expect("opened");
    assert!(
        detail.texts.iter().all(|t| t.path.starts_with("comments.")),
        "only the comment changed since I looked: {:?}",
        detail.texts
    );
    assert!(detail.fields.is_empty(), "{:?}", detail.fields);
}
