//! The SQLite schema of a notebook, in one place, and how a database file
//! is recognised as Carnet's (`application_id`) and at which format
//! (`user_version`).
//!
//! The tables:
//! - document storage: `records` (one row per record: its id, kind and
//!   bookkeeping), `snapshots` (its compacted document) and `chunks`
//!   (incremental changes appended on each edit);
//! - the projection: plain tables derived from the documents (`notes`,
//!   `note_themes`, `persons`, `referrals`, …) so lists and filters never
//!   load Automerge documents, and the FTS5 `search` index;
//! - `meta`: who this notebook belongs to and, once joined, its team
//!   server, device token and sync position;
//! - sync bookkeeping: columns of `records`, `sync_wanted`, `erased`;
//! - the review inbox: `inbox`, what other members changed since this
//!   member last looked;
//! - coded passages: `codings` (projection), each coding of a note with
//!   its passage resolved in the text as it is now.
//!
//! Every projection table is keyed by `records.rowid` and can be rebuilt
//! from the documents.

/// `PRAGMA application_id` of a Carnet notebook ("CRNT").
pub const APPLICATION_ID: i64 = 0x4352_4E54;
/// The format written by this version.
pub const FORMAT_VERSION: i64 = 9;

/// What turns a notebook of format `n - 1` into format `n`, for each `n`
/// after 1, in order. Opening an older notebook applies the missing ones
/// in one transaction.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (2, SYNC_STATUS_INDEXES),
    (3, SNAPSHOTS_APART),
    (4, REFERRAL_MAKERS),
    (5, REVIEW),
    (6, CODINGS),
    (7, DELETIONS),
    (8, CONSENT_TO_SYNTHESIS),
    (9, DIRECTORY),
];

/// The formats whose migration adds to what the projection holds: opening
/// a notebook older than one of them rebuilds the projection from the
/// documents, once, after migrating.
pub const REPROJECT_AFTER: &[i64] = &[4, 5, 6, 8, 9];

/// Format 2: the sync status (asked every few seconds by the app) counts
/// the records waiting and lists the refused ones from these small
/// indexes; before, each question read the whole database.
const SYNC_STATUS_INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS records_waiting ON records (dirty, rejected_heads, damaged)
    WHERE dirty AND rejected_heads IS NULL AND damaged IS NULL;
CREATE INDEX IF NOT EXISTS records_rejected ON records (rowid) WHERE rejected_code IS NOT NULL;
"#;

/// Format 3: the snapshots leave `records` for a table of their own. A
/// record's row is rewritten at every write (its chunk count, the server's
/// heads); with its snapshot in it, three rows filled a page, and merging
/// 1,800 records rewrote some 1,300 pages of `records` alone.
const SNAPSHOTS_APART: &str = r#"
CREATE TABLE snapshots (
    record_rowid INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    bytes        BLOB NOT NULL
);
INSERT INTO snapshots (record_rowid, bytes) SELECT rowid, snapshot FROM records;
ALTER TABLE records DROP COLUMN snapshot;
"#;

/// Format 4: a referral's row names who made it and how it ended, for
/// the board's filter by worker and its closed referrals. Filled by the
/// projection rebuild that follows (see [`REPROJECT_AFTER`]). And search
/// ranks a match in a title ten times one in the text (FTS5's `rank`,
/// kept in the index's configuration, so `ORDER BY rank` keeps FTS5's
/// own fast path).
const REFERRAL_MAKERS: &str = r#"
INSERT INTO search (search, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
ALTER TABLE referrals ADD COLUMN made_by TEXT;
ALTER TABLE referrals ADD COLUMN outcome TEXT;
CREATE INDEX referrals_by_next_follow_up ON referrals (next_follow_up) WHERE next_follow_up IS NOT NULL;
"#;

/// Format 5, the office's review: how many fields of each record hold
/// concurrent values (projection, filled by the rebuild that follows, see
/// [`REPROJECT_AFTER`]), and the inbox: for each record other members
/// changed since this member last looked at it, the heads it had then and
/// a summary of who changed what (bookkeeping of this device, not
/// projection: a rebuild keeps it).
const REVIEW: &str = r#"
CREATE TABLE record_conflicts (
    record_rowid INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    fields       INTEGER NOT NULL
);
CREATE TABLE inbox (
    record_rowid INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    -- the record's heads when last looked at (empty: new here)
    since_heads  BLOB NOT NULL,
    -- the newest change's time (its author's clock) and when it arrived
    last_at      INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    -- ',id,id,': the members who changed it, for the filter by author
    authors      TEXT NOT NULL,
    changes      INTEGER NOT NULL,
    -- a comment since names this member
    mention      INTEGER NOT NULL DEFAULT 0,
    seen         INTEGER NOT NULL DEFAULT 0,
    -- JSON: each member's changes (carnet_core::changes::MemberChanges),
    -- in brief as a sync writes them, in full (detailed) once listed
    summary      TEXT NOT NULL,
    detailed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_unseen ON inbox (mention DESC, received_at DESC, last_at DESC) WHERE NOT seen;
"#;

/// Format 7, deletions in a personal notebook: an erased id also keeps
/// its kind and the reason given (never its content).
const DELETIONS: &str = r#"
ALTER TABLE erased ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE erased ADD COLUMN reason TEXT NOT NULL DEFAULT '';
"#;

/// Format 8, Law 25: a person whose latest answer about the anonymised
/// synthesis is no is left out of it (their referrals do not count); a
/// person's record rewritten without its history names the one it
/// replaces. And reads of many notes read fewer pages (each page read is
/// decrypted): a note's title and excerpt leave `notes` for a table of
/// their own, read only for the rows shown (`notes` is a third of its
/// size, and the synthesis and the passage view read it whole), and the
/// codings' index by theme holds what counting and ordering passages
/// need, so that neither reads the passages' text. Filled by the rebuild that follows (see
/// [`REPROJECT_AFTER`]).
const CONSENT_TO_SYNTHESIS: &str = r#"
ALTER TABLE persons ADD COLUMN in_synthesis INTEGER NOT NULL DEFAULT 1;
ALTER TABLE persons ADD COLUMN rewritten_from TEXT;
CREATE TABLE note_texts (
    rowid   INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    title   TEXT NOT NULL,
    excerpt TEXT NOT NULL
);
ALTER TABLE notes DROP COLUMN title;
ALTER TABLE notes DROP COLUMN excerpt;
DROP INDEX codings_by_theme;
CREATE INDEX codings_by_theme ON codings (theme, note_rowid, field, item, pos_start, pos_end);
"#;

/// Format 9, a directory the team keeps and referrals it follows to
/// their end: an organisation's list row says whether it is retired, when
/// it was last verified, the sectors of its locations, how many services
/// it still offers, its id in the directory it was imported from, and its
/// words folded (accents and case) for the directory's search; each
/// service names its organisation; a referral names the service it is
/// addressed to, how it ended for the person, and when the organisation
/// first answered; and a referral is either held by its person's record
/// or a record of its own (`record_rowid`), whose person may not be on
/// this device (`person_id`, `person_rowid` then empty). Filled by the rebuild that follows (see
/// [`REPROJECT_AFTER`]).
const DIRECTORY: &str = r#"
ALTER TABLE resources ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN last_verified TEXT;
ALTER TABLE resources ADD COLUMN sectors TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN services INTEGER NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN external_id TEXT;
ALTER TABLE resources ADD COLUMN words TEXT NOT NULL DEFAULT '';
CREATE TABLE resource_services (
    id             TEXT PRIMARY KEY,
    resource_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    retired        INTEGER NOT NULL
);
CREATE INDEX resource_services_by_resource ON resource_services (resource_rowid);
DROP TABLE referrals;
CREATE TABLE referrals (
    id             TEXT PRIMARY KEY,
    person_id      TEXT NOT NULL,
    -- the person's record, when this device holds it
    person_rowid   INTEGER REFERENCES records(rowid) ON DELETE SET NULL,
    -- the referral's own record; NULL for one its person's record holds
    record_rowid   INTEGER REFERENCES records(rowid) ON DELETE CASCADE,
    service        TEXT NOT NULL,
    resource_id    TEXT,
    need           TEXT NOT NULL,
    status         TEXT NOT NULL,
    made_at        INTEGER NOT NULL,
    next_follow_up TEXT,
    made_by        TEXT,
    outcome        TEXT,
    closed_at      INTEGER,
    service_id     TEXT,
    result         TEXT,
    answered_at    INTEGER
);
CREATE INDEX referrals_by_person ON referrals (person_rowid);
CREATE INDEX referrals_by_person_id ON referrals (person_id);
CREATE INDEX referrals_by_record ON referrals (record_rowid) WHERE record_rowid IS NOT NULL;
CREATE INDEX referrals_by_status ON referrals (status, made_at DESC);
CREATE INDEX referrals_by_next_follow_up ON referrals (next_follow_up) WHERE next_follow_up IS NOT NULL;
CREATE INDEX referrals_by_resource ON referrals (resource_id) WHERE resource_id IS NOT NULL;
"#;

/// Format 6, coding passages and the synthesis: every coding of every
/// note with its passage where it stands now (its cursors resolved
/// against the note's texts when the note is written), so the passage
/// view, counts and the agreement between coders never load documents; a
/// theme's archive and merge; a note's barriers and needs and a
/// referral's closing time, for the synthesis's charts. Filled by the
/// rebuild that follows (see [`REPROJECT_AFTER`]).
const CODINGS: &str = r#"
CREATE TABLE codings (
    note_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    theme      TEXT NOT NULL,
    coder      TEXT NOT NULL,
    coded_at   INTEGER NOT NULL,
    field      TEXT NOT NULL,
    item       TEXT,
    -- characters of the text as it is now; pos_end = pos_start once every
    -- word of the passage was deleted
    pos_start  INTEGER NOT NULL,
    pos_end    INTEGER NOT NULL,
    passage    TEXT NOT NULL,
    text_len   INTEGER NOT NULL,
    PRIMARY KEY (note_rowid, id)
) WITHOUT ROWID;
CREATE INDEX codings_by_theme ON codings (theme, note_rowid);
CREATE INDEX codings_by_coder ON codings (coder, note_rowid);
ALTER TABLE themes ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE themes ADD COLUMN merged_into TEXT;
-- the synthesis: a note's barriers and needs (comma-separated codes) and
-- a referral's closing time (when it last reached a closing status)
ALTER TABLE notes ADD COLUMN barriers TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN needs TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN closed_at INTEGER;
"#;

/// Tables of the projection and search index, cleared by a rebuild.
pub const PROJECTION_TABLES: &[&str] = &[
    "notes",
    "note_themes",
    "note_persons",
    "note_texts",
    "persons",
    "referrals",
    "resources",
    "resource_needs",
    "resource_services",
    "places",
    "workspace",
    "themes",
    "members",
    "record_conflicts",
    "codings",
    "search",
];

/// Creates a notebook of format 1; [`MIGRATIONS`] then bring it to
/// [`FORMAT_VERSION`].
pub const CREATE: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE records (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    snapshot        BLOB NOT NULL,
    chunk_count     INTEGER NOT NULL DEFAULT 0,
    damaged         TEXT,
    updated_at      INTEGER NOT NULL,
    -- sync bookkeeping: the heads the server is known to have, whether
    -- there are local changes it has not confirmed, and a refusal
    -- (kept with the heads it was made at, so an unchanged refused
    -- record is not pushed again).
    server_heads    BLOB NOT NULL DEFAULT x'',
    dirty           INTEGER NOT NULL DEFAULT 1,
    rejected_code   TEXT,
    rejected_reason TEXT,
    rejected_heads  BLOB
);
CREATE INDEX records_dirty ON records (rowid) WHERE dirty;

-- Records to ask the server for whole (changes arrived out of order).
CREATE TABLE sync_wanted (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Records erased by a coordinator: never accepted again.
CREATE TABLE erased (
    id        TEXT PRIMARY KEY,
    purged_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE chunks (
    record_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (record_rowid, seq)
) WITHOUT ROWID;

CREATE TABLE notes (
    rowid            INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    method           TEXT NOT NULL,
    title            TEXT NOT NULL,
    excerpt          TEXT NOT NULL,
    occurred_at      INTEGER NOT NULL,
    place_id         TEXT,
    place_text       TEXT,
    sector           TEXT,
    author           TEXT NOT NULL,
    review           TEXT NOT NULL,
    follow_up_needed INTEGER NOT NULL,
    follow_up_due    TEXT,
    comment_count    INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX notes_by_time ON notes (occurred_at DESC, rowid DESC);
CREATE INDEX notes_by_method ON notes (method, occurred_at DESC);
CREATE INDEX notes_by_author ON notes (author, occurred_at DESC);
CREATE INDEX notes_by_review ON notes (review, occurred_at DESC);
CREATE INDEX notes_by_place ON notes (place_id, occurred_at DESC);
CREATE INDEX notes_follow_up ON notes (follow_up_due) WHERE follow_up_needed;

CREATE TABLE note_themes (
    theme      TEXT NOT NULL,
    note_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    PRIMARY KEY (theme, note_rowid)
) WITHOUT ROWID;
CREATE INDEX note_themes_by_note ON note_themes (note_rowid);

CREATE TABLE note_persons (
    person_id  TEXT NOT NULL,
    note_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    PRIMARY KEY (person_id, note_rowid)
) WITHOUT ROWID;
CREATE INDEX note_persons_by_note ON note_persons (note_rowid);

CREATE TABLE persons (
    rowid      INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    pseudonym  TEXT NOT NULL,
    age_group  TEXT,
    sector     TEXT,
    needs      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE referrals (
    id             TEXT PRIMARY KEY,
    person_rowid   INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    service        TEXT NOT NULL,
    resource_id    TEXT,
    need           TEXT NOT NULL,
    status         TEXT NOT NULL,
    made_at        INTEGER NOT NULL,
    next_follow_up TEXT
);
CREATE INDEX referrals_by_person ON referrals (person_rowid);
CREATE INDEX referrals_by_status ON referrals (status, made_at DESC);

CREATE TABLE resources (
    rowid     INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    name_en   TEXT,
    languages TEXT NOT NULL
);

CREATE TABLE resource_needs (
    need           TEXT NOT NULL,
    resource_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    PRIMARY KEY (need, resource_rowid)
) WITHOUT ROWID;
CREATE INDEX resource_needs_by_resource ON resource_needs (resource_rowid);

CREATE TABLE places (
    rowid  INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    sector TEXT
);

CREATE TABLE workspace (
    rowid            INTEGER PRIMARY KEY REFERENCES records(rowid) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    default_language TEXT NOT NULL
);

CREATE TABLE themes (
    code           TEXT NOT NULL,
    workspace_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    label_fr       TEXT NOT NULL,
    label_en       TEXT NOT NULL,
    colour         TEXT NOT NULL,
    parent         TEXT,
    PRIMARY KEY (code, workspace_rowid)
) WITHOUT ROWID;

CREATE TABLE members (
    id              TEXT NOT NULL,
    workspace_rowid INTEGER NOT NULL REFERENCES records(rowid) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    PRIMARY KEY (id, workspace_rowid)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE search USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"#;
