//! Notes: creating and changing them, and what they hold (the body,
//! shadowing entries, workshop stories, issues and leaders; comments are
//! in `comments`).
use carnet_core::record::{ListItem, Note, Record, ShadowEntry, Story, TimerSpan};
use carnet_core::vocab::{Method, ReviewStatus};
use carnet_core::{ItemId, RecordId};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::inputs::{NoteInput, NotePatch, TimerAction};
use crate::queries::journal::{self, NoteFilter, Page};
use crate::views::{NoteDetail, NotePage};

/// A shadowing entry's text, trimmed; an empty one is refused.
fn shadow_text(text: &str) -> Result<&str> {
    match text.trim() {
        "" => Err(ClientError::BadInput(
            "a shadowing entry cannot be empty (to take one out, remove it)".into(),
        )),
        t => Ok(t),
    }
}

/// Where an entry was seen, trimmed; empty is none.
fn shadow_place(place: Option<&str>) -> Option<String> {
    place
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

fn missing_entry(item: ItemId) -> ClientError {
    ClientError::BadInput(format!(
        "this note has no shadowing entry {item} (someone may have removed it)"
    ))
}

impl Notebook {
    /// Change a note.
    pub fn edit_note<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut Note) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "note",
            |r| match r {
                Record::Note(n) => Some(n.as_mut()),
                _ => None,
            },
            f,
        )
    }

    fn find_place(&self, text: &str) -> Result<Option<RecordId>> {
        // SQLite's lower() only folds ASCII: "érables" would not find
        // "Érables". Places are few; compare in Rust.
        let wanted = text.trim().to_lowercase();
        Ok(self
            .list_places()?
            .into_iter()
            .find(|p| p.name.trim().to_lowercase() == wanted)
            .map(|p| p.id))
    }

    /// Create a note.
    pub fn create_note(&mut self, input: NoteInput) -> Result<RecordId> {
        let now = self.now();
        let mut note = Note::new(
            input.method.unwrap_or(Method::Outreach),
            input.title.trim(),
            self.member(),
            input.occurred_at.unwrap_or(now),
        );
        note.created_at = now;
        note.body = input.body.unwrap_or_default().into();
        note.duration_minutes = input.duration_minutes;
        note.place_id = input.place_id;
        if let Some(place) = input.place.filter(|p| !p.trim().is_empty()) {
            if note.place_id.is_none() {
                note.place_id = self.find_place(&place)?;
            }
            note.place_text = Some(place.trim().to_string());
        }
        note.place_kind = input.place_kind;
        note.themes = input.themes;
        note.barriers = input.barriers;
        note.needs = input.needs;
        note.participants.count = input.participants;
        note.participants.age_groups = input.age_groups;
        if input.follow_up_due.is_some() || input.follow_up_what.is_some() {
            note.follow_up.needed = true;
            note.follow_up.due = input.follow_up_due;
            note.follow_up.what = input.follow_up_what;
        }
        note.review = input.review.unwrap_or(ReviewStatus::Draft);
        note.group_open = input.group_open;
        let id = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(id, Record::Note(Box::new(note)))
    }

    /// Change a note's fields (see [`NotePatch`]).
    pub fn update_note(&mut self, id: RecordId, patch: NotePatch) -> Result<()> {
        let place_id = match patch.place.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(name) => self.find_place(name)?,
        };
        self.edit_note(id, |n| {
            if let Some(m) = patch.method {
                n.method = m;
            }
            if let Some(t) = patch.title {
                n.title = t.trim().to_string();
            }
            if let Some(at) = patch.occurred_at {
                n.occurred_at = at;
            }
            if let Some(d) = patch.duration_minutes {
                n.duration_minutes = (d > 0).then_some(d);
            }
            if let Some(place) = patch.place {
                let place = place.trim();
                n.place_text = (!place.is_empty()).then(|| place.to_string());
                n.place_id = place_id;
            }
            if let Some(k) = patch.place_kind {
                n.place_kind = Some(k);
            }
            if let Some(t) = patch.themes {
                n.themes = t;
            }
            if let Some(b) = patch.barriers {
                n.barriers = b;
            }
            if let Some(x) = patch.needs {
                n.needs = x;
            }
            if let Some(mut x) = patch.persons {
                let mut seen = std::collections::HashSet::new();
                x.retain(|p| seen.insert(*p));
                n.persons = x;
            }
            if let Some(c) = patch.participants {
                n.participants.count = (c > 0).then_some(c);
            }
            if let Some(needed) = patch.follow_up_needed {
                n.follow_up.needed = needed;
            }
            if patch.follow_up_clear_due {
                n.follow_up.due = None;
            } else if let Some(due) = patch.follow_up_due {
                n.follow_up.due = Some(due);
                n.follow_up.needed = true;
            }
            if let Some(r) = patch.review {
                if r == ReviewStatus::NeedsChanges && n.review != r {
                    return Err(ClientError::BadInput(
                        "to send a note back, say what needs changing (request_changes)".into(),
                    ));
                }
                n.review = r;
            }
            if let Some(g) = patch.group_open {
                n.group_open = Some(g);
            }
            Ok(())
        })
    }

    /// Replace a note's body (merged as a character diff).
    pub fn set_body(&mut self, id: RecordId, body: &str) -> Result<()> {
        self.edit_note(id, |n| {
            n.body.set(body);
            Ok(())
        })
    }

    /// Add a paragraph at the end of a note's body.
    pub fn append_to_body(&mut self, id: RecordId, text: &str) -> Result<()> {
        self.edit_note(id, |n| {
            n.body.append_paragraph(text);
            Ok(())
        })
    }

    /// Add a timestamped entry to a shadowing log.
    pub fn add_shadow_entry(
        &mut self,
        id: RecordId,
        text: &str,
        place: Option<&str>,
    ) -> Result<ItemId> {
        let text = shadow_text(text)?;
        let (item, at) = (self.new_item(), self.now());
        self.edit_note(id, |n| {
            n.shadowing.push(ShadowEntry {
                id: item,
                at,
                place: shadow_place(place),
                text: text.into(),
            });
            Ok(item)
        })
    }

    /// Start, pause or finish a shadowing timer. Starting it the first
    /// time sets when the note happened; finishing it records the time run
    /// (pauses left out) as the note's duration. Starting a running timer,
    /// or pausing a stopped one, changes nothing.
    pub fn shadow_timer(&mut self, id: RecordId, action: TimerAction) -> Result<()> {
        let (item, now) = (self.new_item(), self.now());
        self.edit_note(id, |n| {
            let timer = &mut n.timer;
            match action {
                TimerAction::Start => {
                    if timer.running() {
                        return Ok(());
                    }
                    if timer.spans.is_empty() {
                        n.occurred_at = now;
                    }
                    timer.finished_at = None;
                    timer.spans.push(TimerSpan {
                        id: item,
                        start: now,
                        end: None,
                    });
                }
                TimerAction::Pause | TimerAction::Finish => {
                    if let Some(open) = timer.spans.last_mut().filter(|s| s.end.is_none()) {
                        open.end = Some(now.max(open.start));
                    }
                    if action == TimerAction::Finish {
                        timer.finished_at = Some(now);
                        if let Some(minutes) = timer.minutes(now) {
                            n.duration_minutes = Some(minutes);
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// Change what a shadowing entry says and where it was seen (an empty
    /// place clears it).
    pub fn update_shadow_entry(
        &mut self,
        id: RecordId,
        item: ItemId,
        text: &str,
        place: Option<&str>,
    ) -> Result<()> {
        let text = shadow_text(text)?;
        self.edit_note(id, |n| {
            let entry = n
                .shadowing
                .iter_mut()
                .find(|e| e.id == item)
                .ok_or_else(|| missing_entry(item))?;
            entry.text.set(text);
            entry.place = shadow_place(place);
            Ok(())
        })
    }

    /// Remove a shadowing entry; returns it, so that it can be put back.
    pub fn remove_shadow_entry(&mut self, id: RecordId, item: ItemId) -> Result<ShadowEntry> {
        self.edit_note(id, |n| {
            let at = n
                .shadowing
                .iter()
                .position(|e| e.id == item)
                .ok_or_else(|| missing_entry(item))?;
            Ok(n.shadowing.remove(at))
        })
    }

    /// Put back a removed shadowing entry, in its place by time (undo).
    pub fn restore_shadow_entry(&mut self, id: RecordId, entry: ShadowEntry) -> Result<()> {
        self.edit_note(id, |n| {
            if n.shadowing.iter().any(|e| e.id == entry.id) {
                return Ok(());
            }
            let at = n.shadowing.partition_point(|e| e.at <= entry.at);
            n.shadowing.insert(at, entry);
            Ok(())
        })
    }

    /// Add a story told in a workshop.
    pub fn add_story(&mut self, id: RecordId, text: &str, told_by: Option<&str>) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_note(id, |n| {
            n.stories.push(Story {
                id: item,
                told_by: told_by.map(str::to_string),
                text: text.into(),
            });
            Ok(item)
        })
    }

    /// Add an issue raised in a workshop.
    pub fn add_issue(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        self.add_list_item(id, text, |n| &mut n.issues_raised)
    }

    /// Add a community leader identified in a workshop.
    pub fn add_leader(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        self.add_list_item(id, text, |n| &mut n.leaders)
    }

    fn add_list_item(
        &mut self,
        id: RecordId,
        text: &str,
        list: impl FnOnce(&mut Note) -> &mut Vec<ListItem>,
    ) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_note(id, |n| {
            list(n).push(ListItem {
                id: item,
                text: text.to_string(),
            });
            Ok(item)
        })
    }

    /// The journal: notes matching `filter`, newest first.
    pub fn list_notes(&self, filter: &NoteFilter, page: Page) -> Result<NotePage> {
        journal::list_notes(self.store.conn(), filter, page)
    }

    /// The places typed into notes that are not places of the territory.
    pub fn typed_places(&self) -> Result<Vec<String>> {
        journal::typed_places(self.store.conn())
    }

    /// A note with everything its page shows: the note, its author's
    /// name, its history and its concurrent values.
    pub fn note_detail(&mut self, id: RecordId) -> Result<NoteDetail> {
        let note = match self.record(id)? {
            Record::Note(n) => *n,
            other => return Err(ClientError::wrong_kind(id, "note", &other)),
        };
        let history = self.history(id)?;
        let conflicts = self.conflicts(id)?;
        let passages = self.with_doc(id, |doc| doc.passages_of(&note))?;
        let author_name = self
            .workspace()?
            .members
            .into_iter()
            .find(|m| m.id == note.author)
            .map(|m| m.name);
        Ok(NoteDetail {
            id,
            note,
            author_name,
            history,
            conflicts,
            passages,
        })
    }
}
