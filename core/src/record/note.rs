//! A field note: an observation made by a worker, by one of seven methods.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, MemberId, RecordId};
use crate::text::LongText;
use crate::time_types::{Day, Timestamp};
use crate::vocab::{AgeGroup, Barrier, CodedField, Method, NeedCategory, PlaceKind, ReviewStatus};

/// A field observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Note {
    /// How the observation was made.
    pub method: Method,
    /// A short title.
    pub title: String,
    /// The observation itself; concurrent edits merge by character.
    #[serde(default)]
    pub body: LongText,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// How long it lasted, in minutes.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// A place record of the territory, if one was picked.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub place_id: Option<RecordId>,
    /// The place as typed, when not picked from the places.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub place_text: Option<String>,
    /// The kind of place (café, park…).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub place_kind: Option<PlaceKind>,
    /// The sector of the territory (a code of the workspace).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sector: Option<String>,
    /// Who took part, described anonymously.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub participants: Participants,
    /// Theme codes from the workspace codebook.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub themes: Vec<String>,
    /// Barriers to services observed.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub barriers: Vec<Barrier>,
    /// Needs observed.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Whether and when to follow up.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub follow_up: FollowUp,
    /// Person records this note is about (visible only to allowed roles).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub persons: Vec<RecordId>,
    /// Where the note is in the team's review.
    pub review: ReviewStatus,
    /// Comments from the team.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Who wrote the note first.
    pub author: MemberId,
    /// When the note was created.
    pub created_at: Timestamp,
    /// Shadowing: the running log of what was seen.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub shadowing: Vec<ShadowEntry>,
    /// Shadowing: when the timer ran, and whether the shadowing is over.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub timer: ShadowTimer,
    /// Workshop: stories and anecdotes told.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub stories: Vec<Story>,
    /// Workshop: issues raised.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub issues_raised: Vec<ListItem>,
    /// Workshop: community leaders identified (described, not named).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub leaders: Vec<ListItem>,
    /// Group: whether the group is open to everyone.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub group_open: Option<bool>,
    /// Partners: the partner organisations involved.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub partners: Vec<String>,
    /// Passages of the note's texts coded with themes of the codebook.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub codings: Vec<Coding>,
}

impl Note {
    /// A new note with the required fields and everything else empty.
    pub fn new(method: Method, title: impl Into<String>, author: MemberId, at: Timestamp) -> Self {
        Self {
            method,
            title: title.into(),
            body: LongText::default(),
            occurred_at: at,
            duration_minutes: None,
            place_id: None,
            place_text: None,
            place_kind: None,
            sector: None,
            participants: Participants::default(),
            themes: Vec::new(),
            barriers: Vec::new(),
            needs: Vec::new(),
            follow_up: FollowUp::default(),
            persons: Vec::new(),
            review: ReviewStatus::Draft,
            comments: Vec::new(),
            author,
            created_at: at,
            shadowing: Vec::new(),
            timer: ShadowTimer::default(),
            stories: Vec::new(),
            issues_raised: Vec::new(),
            leaders: Vec::new(),
            group_open: None,
            partners: Vec::new(),
            codings: Vec::new(),
        }
    }
}

/// Who took part, without identifying anyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Participants {
    /// How many people.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub count: Option<u32>,
    /// Their age groups.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub age_groups: Vec<AgeGroup>,
    /// Languages spoken (ISO 639-1 codes or names).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub languages: Vec<String>,
}

/// Whether to follow up, by when and on what.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUp {
    /// A follow-up is needed.
    pub needed: bool,
    /// By when.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub due: Option<Day>,
    /// What to do.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub what: Option<String>,
}

/// One timestamped line of a shadowing log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShadowEntry {
    /// The entry's id.
    #[key]
    pub id: ItemId,
    /// When it was seen.
    pub at: Timestamp,
    /// Where, if it changed.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub place: Option<String>,
    /// What was seen.
    pub text: LongText,
}

/// The shadowing timer: the periods it ran (a pause ends one, resuming
/// opens the next) and when the shadowing was finished. Kept in the note,
/// not in the window, so it survives a restart and reads the same on every
/// device of the team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShadowTimer {
    /// The periods the timer ran, oldest first; the last one is open while
    /// the timer runs.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub spans: Vec<TimerSpan>,
    /// When the shadowing was finished.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
}

/// One period the shadowing timer ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimerSpan {
    /// The period's id.
    #[key]
    pub id: ItemId,
    /// When the timer started or resumed.
    pub start: Timestamp,
    /// When it was paused or finished; none while it runs.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub end: Option<Timestamp>,
}

impl ShadowTimer {
    /// Whether the timer is running now.
    pub fn running(&self) -> bool {
        self.spans.last().is_some_and(|s| s.end.is_none())
    }

    /// How long the timer has run, up to `now` for an open period.
    pub fn elapsed_millis(&self, now: Timestamp) -> i64 {
        self.spans
            .iter()
            .map(|s| (s.end.unwrap_or(now).as_millis() - s.start.as_millis()).max(0))
            .sum()
    }

    /// The duration the note records: the time run, in whole minutes
    /// (rounded, and at least one once the timer has run at all).
    pub fn minutes(&self, now: Timestamp) -> Option<u32> {
        if self.spans.is_empty() {
            return None;
        }
        let minutes = (self.elapsed_millis(now) + 30_000) / 60_000;
        Some(u32::try_from(minutes.max(1)).unwrap_or(u32::MAX))
    }
}

/// A story or anecdote told in a workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Story {
    /// The story's id.
    #[key]
    pub id: ItemId,
    /// Who told it, described anonymously ("a mother of three, 30s").
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub told_by: Option<String>,
    /// The story.
    pub text: LongText,
}

/// An item of a simple list (an issue raised, a leader identified).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListItem {
    /// The item's id.
    #[key]
    pub id: ItemId,
    /// Its text.
    pub text: String,
}

/// A comment from a team member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comment {
    /// The comment's id.
    #[key]
    pub id: ItemId,
    /// Who wrote it.
    pub author: MemberId,
    /// When.
    pub at: Timestamp,
    /// What it says (empty once deleted).
    pub text: LongText,
    /// The comment it answers, in a conversation.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub reply_to: Option<ItemId>,
    /// The members it mentions (`@name`): it comes first in their inbox.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub mentions: Vec<MemberId>,
    /// When its author last changed it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub edited_at: Option<Timestamp>,
    /// Its author deleted it: its place in the conversation stays, its
    /// words go.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub deleted: bool,
}

/// A passage of one of the note's texts coded with a theme, by one coder.
///
/// The passage is anchored to its words, not to offsets: `start` is an
/// Automerge cursor on its first character and `end` one on its last
/// (see [`crate::coding`]), so it stays on the same words whatever anyone
/// inserts or deletes around or inside it, on any device. Two coders'
/// codings of overlapping passages are two items of this list, so both
/// survive a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Coding {
    /// The coding's id.
    #[key]
    pub id: ItemId,
    /// The theme's code in the codebook.
    pub theme: String,
    /// Who coded the passage.
    pub coder: MemberId,
    /// When.
    pub at: Timestamp,
    /// Which text of the note: the body, a story, a shadowing entry or a
    /// comment.
    pub field: CodedField,
    /// The story, entry or comment, for the texts of a list.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub item: Option<ItemId>,
    /// Cursor on the passage's first character.
    pub start: String,
    /// Cursor on the passage's last character.
    pub end: String,
}
