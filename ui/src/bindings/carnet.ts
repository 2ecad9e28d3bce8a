// Generated from the Rust types by `cargo test -p carnet-desktop bindings`
// with CARNET_WRITE_BINDINGS=1. Do not edit: change the Rust side.
/* eslint-disable */

import { invoke } from "@tauri-apps/api/core";

export type AgeGroup = "child" | "youth" | "young-adult" | "adult" | "senior";

export type Agreement = { 
/**
 * The first coder.
 */
first: MemberId, 
/**
 * The second coder.
 */
second: MemberId, 
/**
 * Notes both coded.
 */
notes: number, 
/**
 * Characters counted: those of each text of those notes where either
 * coded something.
 */
characters: number, 
/**
 * Per theme either used there, by theme code.
 */
themes: Array<ThemeAgreement>, };

export type AppInfo = { 
/**
 * Whether there is a notebook open (else: the first-run screen, or
 * the unlock screen when `locked`).
 */
has_notebook: boolean, 
/**
 * A notebook is there but locked: the unlock screen.
 */
locked: boolean, 
/**
 * How the notebook's key is kept (none before there is a notebook).
 */
protection: Protection | null, 
/**
 * The member writing in this notebook.
 */
member_name: string | null, 
/**
 * Their id (their own comments are theirs to edit).
 */
member_id: MemberId | null, 
/**
 * The team (workspace) name.
 */
team: string | null, 
/**
 * Whether the notebook is joined to a team server.
 */
joined: boolean, 
/**
 * This device's role on the team.
 */
role: Role | null, 
/**
 * This device's id on the team server (so it is not offered for revocation).
 */
device_id: DeviceId | null, 
/**
 * Whether this device may see persons and referrals (a personal
 * notebook, a coordinator, or a worker invited with access to persons).
 */
persons: boolean, 
/**
 * Where the notebook lives.
 */
data_dir: string, 
/**
 * The window's preferences.
 */
preferences: Preferences, 
/**
 * A server address to propose on the first-run screen (set by the
 * run command for its local demo server).
 */
suggested_server: string | null, 
/**
 * An invitation code to propose on the first-run screen.
 */
suggested_code: string | null, 
/**
 * The system's languages, most preferred first (`fr-CA`, `en`…),
 * from the POSIX locale variables: the web view's own list does not
 * follow the system on Linux.
 */
system_languages: Array<string>, };

export type BackupDone = { 
/**
 * The file written.
 */
path: string, 
/**
 * What it holds.
 */
info: BackupInfo, 
/**
 * Older backups removed from the folder (beyond those kept).
 */
removed: number, };

export type BackupInfo = { 
/**
 * When it was made (ms since the epoch).
 */
made_at: number, 
/**
 * The team's name.
 */
team: string, 
/**
 * The member whose notebook it is.
 */
member: string, 
/**
 * Whether restoring it needs the backup's passphrase.
 */
needs_passphrase: boolean, 
/**
 * The database's size.
 */
database_bytes: number, };

export type BackupProgress = { 
/**
 * Steps done.
 */
done: number, 
/**
 * Steps in all.
 */
total: number, };

export type BackupSettings = { 
/**
 * The folder backups go to.
 */
folder: string, 
/**
 * Whether a backup passphrase is set (backups then restore on any
 * computer with it).
 */
has_passphrase: boolean, 
/**
 * Whether the notebook's own key is sealed by a passphrase (its
 * backups then restore anywhere with that passphrase).
 */
notebook_passphrase: boolean, 
/**
 * The backups in the folder, newest first.
 */
backups: Array<KeptBackup>, };

export type Barrier = "language" | "culture" | "social-isolation" | "cost" | "transport" | "hours" | "distrust" | "awareness" | "digital-access" | "other";

export type ClosingTimes = { 
/**
 * Referrals closed.
 */
closed: number, 
/**
 * The median, in days.
 */
median_days: number | null, 
/**
 * Three in four closed within this many days.
 */
p75_days: number | null, 
/**
 * How many closed within a week, a month, three months, later
 * (keys `7`, `30`, `90`, `more`).
 */
buckets: Array<Count>, };

export type CodedField = "body" | "story" | "shadowing" | "comment";

export type Coding = { 
/**
 * The coding's id.
 */
id: ItemId, 
/**
 * The theme's code in the codebook.
 */
theme: string, 
/**
 * Who coded the passage.
 */
coder: MemberId, 
/**
 * When.
 */
at: Timestamp, 
/**
 * Which text of the note: the body, a story, a shadowing entry or a
 * comment.
 */
field: CodedField, 
/**
 * The story, entry or comment, for the texts of a list.
 */
item: ItemId | null, 
/**
 * Cursor on the passage's first character.
 */
start: string, 
/**
 * Cursor on the passage's last character.
 */
end: string, };

export type Comment = { 
/**
 * The comment's id.
 */
id: ItemId, 
/**
 * Who wrote it.
 */
author: MemberId, 
/**
 * When.
 */
at: Timestamp, 
/**
 * What it says (empty once deleted).
 */
text: LongText, 
/**
 * The comment it answers, in a conversation.
 */
reply_to: ItemId | null, 
/**
 * The members it mentions (`@name`): it comes first in their inbox.
 */
mentions: Array<MemberId>, 
/**
 * When its author last changed it.
 */
edited_at: Timestamp | null, 
/**
 * Its author deleted it: its place in the conversation stays, its
 * words go.
 */
deleted: boolean, };

export type Conflict = { 
/**
 * Dotted path of the field (`status`, `referrals.0.status`).
 */
path: string, 
/**
 * Every concurrent value; the first is the one currently shown.
 */
values: Array<ConflictValue>, };

export type ConflictValue = { 
/**
 * The value, as text.
 */
value: string, 
/**
 * Who set it.
 */
author: MemberId | null, 
/**
 * When, by the clock of the device that set it.
 */
at: Timestamp | null, };

export type ConflictedPage = { 
/**
 * How many records hold concurrent values in all.
 */
total: number, 
/**
 * This page.
 */
records: Array<ConflictedRecord>, };

export type ConflictedRecord = { 
/**
 * The record.
 */
id: RecordId, 
/**
 * Its kind.
 */
kind: RecordKind, 
/**
 * Its title or name.
 */
name: string, 
/**
 * When it last changed here.
 */
updated_at: Timestamp, 
/**
 * Its fields with concurrent values.
 */
conflicts: Array<Conflict>, 
/**
 * For each conflict, in order, what its list item is when the field
 * belongs to one (a referral's service, a theme's code), to name it.
 */
contexts: Array<string | null>, };

export type Consent = { 
/**
 * The consent's id.
 */
id: ItemId, 
/**
 * What it is for.
 */
purpose: ConsentPurpose, 
/**
 * Given (true) or withdrawn (false).
 */
given: boolean, 
/**
 * When.
 */
at: Timestamp, 
/**
 * Who recorded it.
 */
recorded_by: MemberId, 
/**
 * How it was obtained.
 */
how: ConsentMethod, };

export type ConsentEffects = { 
/**
 * The answer recorded.
 */
consent: ItemId, 
/**
 * The name, phone and address were removed.
 */
identity_removed: boolean, 
/**
 * Referrals that no longer share the person's identity.
 */
referrals_unshared: number, 
/**
 * Open referrals cancelled.
 */
referrals_cancelled: number, 
/**
 * Planned follow-ups dropped.
 */
follow_ups_dropped: number, 
/**
 * The person's referrals are left out of the synthesis.
 */
left_out_of_synthesis: boolean, };

export type ConsentMethod = "verbal" | "written" | "electronic";

export type ConsentPurpose = "follow-up" | "referral" | "identifying-details" | "sharing-with-partners" | "research";

export type Count = { 
/**
 * What is counted.
 */
key: string, 
/**
 * How many.
 */
count: number, };

export type Cross = { 
/**
 * The first key (a row of the table).
 */
row: string, 
/**
 * The second key (a column).
 */
column: string, 
/**
 * How many notes (or referrals).
 */
count: number, };

export type Day = string;

export type DeviceId = string;

export type DeviceInfo = { 
/**
 * Device id.
 */
id: DeviceId, 
/**
 * Its name.
 */
name: string, 
/**
 * Member id.
 */
member_id: MemberId, 
/**
 * Member name.
 */
member: string, 
/**
 * Role.
 */
role: Role, 
/**
 * When it joined (ms since epoch).
 */
joined_at: number, 
/**
 * When it last synced (ms since epoch).
 */
last_seen: number | null, 
/**
 * When it was revoked (ms since epoch).
 */
revoked_at: number | null, };

export type DirectoryFilter = { 
/**
 * Organisations with a service for this need.
 */
need: NeedCategory | null, 
/**
 * With a service offered in this language (a code like `fr`).
 */
language: string | null, 
/**
 * With a location in this sector of the territory.
 */
sector: string | null, 
/**
 * Words found in its names, descriptions, services or addresses
 * (accents and case ignored, every word).
 */
words: string | null, 
/**
 * Only those not verified for this many months (or never).
 */
unverified_months: number | null, 
/**
 * Retired organisations too.
 */
include_retired: boolean, };

export type DirectoryImport = { 
/**
 * Organisations added.
 */
added: number, 
/**
 * Organisations already there (same imported id), updated.
 */
updated: number, 
/**
 * Services read.
 */
services: number, 
/**
 * Rows left out, each with its file, line and why.
 */
rejected: Array<RejectedRow>, };

export type Disclosure = { 
/**
 * The disclosure's id.
 */
id: ItemId, 
/**
 * When.
 */
at: Timestamp, 
/**
 * Who made it.
 */
by: MemberId, 
/**
 * What was made: `json`, `pdf` (or both, `json+pdf`).
 */
what: string, };

export type DuePerson = { 
/**
 * The person's record.
 */
id: RecordId, 
/**
 * Their pseudonym.
 */
pseudonym: string, 
/**
 * Their file's latest activity.
 */
last_activity: Timestamp, };

export type DueReferral = { 
/**
 * The referral.
 */
id: ItemId, 
/**
 * The person whose file holds it.
 */
person: RecordId, 
/**
 * Their pseudonym.
 */
pseudonym: string, 
/**
 * The service.
 */
service: string, 
/**
 * When it closed.
 */
closed_at: Timestamp, };

export type ErrorKind = "no-notebook" | "already-exists" | "not-found" | "wrong-kind" | "invalid" | "bad-input" | "not-joined" | "unknown-token" | "revoked" | "forbidden" | "invalid-code" | "expired-code" | "used-code" | "too-large" | "too-many-attempts" | "offline" | "certificate-refused" | "locked" | "wrong-passphrase" | "no-secret-store" | "names-person" | "protocol-version" | "bad-answer" | "bad-request" | "unsupported-media-type" | "bad-record" | "not-a-notebook" | "newer-format" | "corrupt" | "damaged" | "storage" | "io" | "rolled-back" | "cancelled" | "internal" | "unknown";

export type ExportDone = { 
/**
 * The file written.
 */
path: string, 
/**
 * How many rows, notes or records.
 */
count: number, };

export type ExportKind = "csv" | "json" | "qdpx" | "pdf";

export type ExportProgress = { 
/**
 * Notes or records written.
 */
done: number, 
/**
 * How many in all.
 */
total: number, };

export type FieldChange = { 
/**
 * Dotted path of the field (`title`, `follow_up.due`,
 * `referrals.status`).
 */
path: string, 
/**
 * What list item it belongs to, when it does (a referral's service).
 */
context: string | null, 
/**
 * Before (empty: it had no value, or the record did not exist).
 */
before: string, 
/**
 * After.
 */
after: string, };

export type FollowUp = { 
/**
 * A follow-up is needed.
 */
needed: boolean, 
/**
 * By when.
 */
due: Day | null, 
/**
 * What to do.
 */
what: string | null, };

export type HistoryItem = { 
/**
 * The author's name, when the workspace knows them.
 */
author_name: string | null, 
/**
 * The change's hash (hex).
 */
hash: string, 
/**
 * Who made it.
 */
author: MemberId | null, 
/**
 * When (the author's clock).
 */
at: Timestamp, 
/**
 * Whether this change created the record.
 */
created: boolean, 
/**
 * The fields it touched, as dotted paths (`body`, `referrals.status`).
 */
fields: Array<string>, };

export type Identity = { 
/**
 * Name.
 */
name: string | null, 
/**
 * Phone.
 */
phone: string | null, 
/**
 * Address.
 */
address: string | null, };

export type InboxDetail = { 
/**
 * The entry.
 */
item: InboxItem, 
/**
 * Each text that changed, with the words added and removed.
 */
texts: Array<TextChange>, 
/**
 * The other fields, before → after.
 */
fields: Array<FieldChange>, 
/**
 * The record as it stands.
 */
record: Record, };

export type InboxFilter = { 
/**
 * Also the records already seen.
 */
include_seen: boolean, 
/**
 * Only records this member changed.
 */
author: MemberId | null, 
/**
 * Only notes of this method.
 */
method: Method | null, 
/**
 * Only records of this kind.
 */
kind: RecordKind | null, 
/**
 * Only records in this sector.
 */
sector: string | null, 
/**
 * Only changes made at or after this moment.
 */
from: Timestamp | null, 
/**
 * Only changes made before this moment.
 */
to: Timestamp | null, };

export type InboxItem = { 
/**
 * The record.
 */
id: RecordId, 
/**
 * Its kind.
 */
kind: RecordKind, 
/**
 * Its title or name.
 */
title: string, 
/**
 * A note's method.
 */
method: Method | null, 
/**
 * Its sector.
 */
sector: string | null, 
/**
 * The newest change's time (its author's clock).
 */
last_at: Timestamp, 
/**
 * When it arrived here.
 */
received_at: Timestamp, 
/**
 * How many changes.
 */
changes: number, 
/**
 * A comment since names this member.
 */
mention: boolean, 
/**
 * Marked seen.
 */
seen: boolean, 
/**
 * Each member's changes, oldest first.
 */
by: Array<MemberChanges>, };

export type InboxPage = { 
/**
 * How many records match the filter.
 */
total: number, 
/**
 * This page.
 */
items: Array<InboxItem>, };

export type Incident = { 
/**
 * A short name for the register's list ("Laptop stolen, Parc Pilon").
 */
title: string, 
/**
 * s. 2 (1): the personal information the incident concerns.
 */
information: string, 
/**
 * s. 2 (1): or, when it can't be described, why.
 */
information_unknown_reason: string | null, 
/**
 * s. 2 (2): a brief description of the circumstances.
 */
circumstances: string, 
/**
 * s. 2 (3): the date the incident happened, or the period's start.
 */
occurred_from: Day, 
/**
 * s. 2 (3): the period's end, when it lasted.
 */
occurred_to: Day | null, 
/**
 * s. 2 (3): the date or period is an approximation.
 */
occurred_approximate: boolean, 
/**
 * s. 2 (4): when the team became aware of it.
 */
aware_on: Day, 
/**
 * s. 2 (5): the number of persons concerned.
 */
persons_concerned: number, 
/**
 * s. 2 (5): the number is an estimate.
 */
persons_estimated: boolean, 
/**
 * s. 2 (6): the assessment of the risk of serious injury: how
 * sensitive the information is.
 */
sensitivity: string, 
/**
 * s. 2 (6): the misuses anticipated.
 */
misuse: string, 
/**
 * s. 2 (6): the consequences anticipated.
 */
consequences: string, 
/**
 * s. 2 (6): how likely a misuse is.
 */
likelihood: string, 
/**
 * The assessment's conclusion: there is a risk of serious injury.
 */
serious_risk: boolean, 
/**
 * s. 2 (7): when notice went to the Commission d'accès à
 * l'information.
 */
commission_notified_on: Day | null, 
/**
 * s. 2 (7): when notice went to the persons concerned.
 */
persons_notified_on: Day | null, 
/**
 * s. 2 (7): whether a public notice was given and why.
 */
public_notice: string | null, 
/**
 * s. 2 (8): the measures taken to reduce the risk of injury.
 */
measures: string, 
/**
 * The team's device concerned (a lost or stolen laptop), if any.
 */
device: string | null, 
/**
 * Who opened the entry.
 */
author: MemberId, 
/**
 * When.
 */
created_at: Timestamp, };

export type IncidentEntry = { 
/**
 * The record's id.
 */
id: RecordId, 
/**
 * The entry.
 */
incident: Incident, 
/**
 * What the regulation asks that is still empty (field names).
 */
missing: Array<string>, };

export type IncidentInput = { 
/**
 * A short name.
 */
title: string, 
/**
 * The information concerned.
 */
information: string, 
/**
 * Why it can't be described, when it can't.
 */
information_unknown_reason: string | null, 
/**
 * The circumstances.
 */
circumstances: string, 
/**
 * When it happened (or the period's start).
 */
occurred_from: Day, 
/**
 * The period's end.
 */
occurred_to: Day | null, 
/**
 * The date or period is approximate.
 */
occurred_approximate: boolean, 
/**
 * When the team became aware of it.
 */
aware_on: Day, 
/**
 * Persons concerned.
 */
persons_concerned: number, 
/**
 * That number is an estimate.
 */
persons_estimated: boolean, 
/**
 * How sensitive the information is.
 */
sensitivity: string, 
/**
 * Misuses anticipated.
 */
misuse: string, 
/**
 * Consequences anticipated.
 */
consequences: string, 
/**
 * How likely a misuse is.
 */
likelihood: string, 
/**
 * There is a risk of serious injury.
 */
serious_risk: boolean, 
/**
 * Notice to the Commission.
 */
commission_notified_on: Day | null, 
/**
 * Notice to the persons concerned.
 */
persons_notified_on: Day | null, 
/**
 * A public notice and why.
 */
public_notice: string | null, 
/**
 * Measures taken.
 */
measures: string, 
/**
 * The device concerned.
 */
device: string | null, };

export type ItemId = string;

export type JoinRequest = { 
/**
 * The team server's address.
 */
server: string, 
/**
 * The invitation code.
 */
code: string, 
/**
 * This device's name on the team (empty: the server names it).
 */
device_name: string, 
/**
 * The member's name (empty: the one the invitation names).
 */
member_name: string, 
/**
 * The server's own certificate (PEM), when the person was given one
 * to trust.
 */
ca_pem: string | null, 
/**
 * The passphrase sealing the new notebook's key (none: the secret
 * store keeps it).
 */
passphrase: string | null, };

export type KeptBackup = { 
/**
 * Its path.
 */
path: string, 
/**
 * Its size in bytes.
 */
bytes: number, 
/**
 * When it was written (ms since the epoch).
 */
written_at: number, };

export type Language = "fr" | "en";

export type LinkedNoteSummary = { 
/**
 * The note.
 */
id: RecordId, 
/**
 * Its title.
 */
title: string, 
/**
 * When it happened.
 */
occurred_at: Timestamp, };

export type ListItem = { 
/**
 * The item's id.
 */
id: ItemId, 
/**
 * Its text.
 */
text: string, };

export type Location = { 
/**
 * The location's id.
 */
id: ItemId, 
/**
 * Its name.
 */
name: string, 
/**
 * Street address.
 */
address: string | null, 
/**
 * Sector of the territory.
 */
sector: string | null, 
/**
 * No longer in use.
 */
retired: boolean, 
/**
 * Its id in an imported directory (HSDS).
 */
external_id: string | null, };

export type LocationInput = { 
/**
 * The location's id; none for a new one.
 */
id: ItemId | null, 
/**
 * Its name (required).
 */
name: string, 
/**
 * Street address.
 */
address: string | null, 
/**
 * Sector of the territory.
 */
sector: string | null, 
/**
 * No longer in use.
 */
retired: boolean, };

export type LongText = string;

export type LoopRow = { 
/**
 * The organisation's record id, when picked from the directory.
 */
organisation: RecordId | null, 
/**
 * Its name (or the service as named).
 */
name: string, 
/**
 * The need's code.
 */
need: string, 
/**
 * Referrals made.
 */
sent: number, 
/**
 * Answered and taken on (accepted, under way or closed, not declined).
 */
accepted: number, 
/**
 * Declined by the organisation.
 */
declined: number, 
/**
 * Completed.
 */
completed: number, 
/**
 * Closed with the service received, in full or in part.
 */
received: number, 
/**
 * Median days from the referral to the organisation's first answer.
 */
days_to_answer: number | null, 
/**
 * Median days from the referral to its closing.
 */
days_to_close: number | null, };

export type Member = { 
/**
 * The member's id.
 */
id: MemberId, 
/**
 * Display name.
 */
name: string, };

export type MemberChanges = { 
/**
 * The member (`None`: an actor that is not Carnet's).
 */
author: MemberId | null, 
/**
 * How many changes.
 */
changes: number, 
/**
 * When the first of them was made (the author's clock).
 */
first_at: Timestamp, 
/**
 * When the last of them was made.
 */
last_at: Timestamp, 
/**
 * One of them created the record.
 */
created: boolean, 
/**
 * The fields touched (`title`, `comments`; a referral's as
 * `referrals.status`), sorted.
 */
fields: Array<string>, 
/**
 * Words written into the record's texts (comments apart).
 */
words_added: number, 
/**
 * Some text was removed.
 */
text_removed: boolean, 
/**
 * Comments added.
 */
comments_added: number, 
/**
 * Referral statuses set, in order (codes).
 */
statuses: Array<string>, 
/**
 * Passages coded.
 */
codings_added: number, 
/**
 * The themes of the passages coded (codes, each once).
 */
themes_coded: Array<string>, };

export type MemberId = string;

export type Method = "residence" | "shadowing" | "workshop" | "outreach" | "group" | "partners" | "reflection";

export type NeedCategory = "food-insecurity" | "housing-instability" | "homelessness" | "inadequate-housing" | "transportation" | "financial-strain" | "employment" | "education" | "health-literacy" | "social-isolation" | "stress" | "intimate-partner-violence" | "elder-abuse" | "digital-access" | "language-integration" | "legal" | "other";

export type Note = { 
/**
 * How the observation was made.
 */
method: Method, 
/**
 * A short title.
 */
title: string, 
/**
 * The observation itself; concurrent edits merge by character.
 */
body: LongText, 
/**
 * When it happened.
 */
occurred_at: Timestamp, 
/**
 * How long it lasted, in minutes.
 */
duration_minutes: number | null, 
/**
 * A place record of the territory, if one was picked.
 */
place_id: RecordId | null, 
/**
 * The place as typed, when not picked from the places.
 */
place_text: string | null, 
/**
 * The kind of place (café, park…).
 */
place_kind: PlaceKind | null, 
/**
 * The sector of the territory (a code of the workspace).
 */
sector: string | null, 
/**
 * Who took part, described anonymously.
 */
participants: Participants, 
/**
 * Theme codes from the workspace codebook.
 */
themes: Array<string>, 
/**
 * Barriers to services observed.
 */
barriers: Array<Barrier>, 
/**
 * Needs observed.
 */
needs: Array<NeedCategory>, 
/**
 * Whether and when to follow up.
 */
follow_up: FollowUp, 
/**
 * Person records this note is about (visible only to allowed roles).
 */
persons: Array<RecordId>, 
/**
 * Where the note is in the team's review.
 */
review: ReviewStatus, 
/**
 * Comments from the team.
 */
comments: Array<Comment>, 
/**
 * Who wrote the note first.
 */
author: MemberId, 
/**
 * When the note was created.
 */
created_at: Timestamp, 
/**
 * Shadowing: the running log of what was seen.
 */
shadowing: Array<ShadowEntry>, 
/**
 * Shadowing: when the timer ran, and whether the shadowing is over.
 */
timer: ShadowTimer, 
/**
 * Workshop: stories and anecdotes told.
 */
stories: Array<Story>, 
/**
 * Workshop: issues raised.
 */
issues_raised: Array<ListItem>, 
/**
 * Workshop: community leaders identified (described, not named).
 */
leaders: Array<ListItem>, 
/**
 * Group: whether the group is open to everyone.
 */
group_open: boolean | null, 
/**
 * Partners: the partner organisations involved.
 */
partners: Array<string>, 
/**
 * Passages of the note's texts coded with themes of the codebook.
 */
codings: Array<Coding>, };

export type NoteDetail = { 
/**
 * The note's id.
 */
id: RecordId, 
/**
 * The note.
 */
note: Note, 
/**
 * The author's name, when the team knows them.
 */
author_name: string | null, 
/**
 * Who changed what, when (newest last).
 */
history: Array<HistoryItem>, 
/**
 * Fields with concurrent values to settle.
 */
conflicts: Array<Conflict>, 
/**
 * Its coded passages where they stand now.
 */
passages: Array<Passage>, };

export type NoteFilter = { 
/**
 * Only this method.
 */
method: Method | null, 
/**
 * Only notes with this theme code.
 */
theme: string | null, 
/**
 * Only notes at this place record.
 */
place_id: RecordId | null, 
/**
 * Only notes whose typed place contains this text.
 */
place_text: string | null, 
/**
 * Only notes by this member.
 */
author: MemberId | null, 
/**
 * Only notes of this sector of the territory.
 */
sector: string | null, 
/**
 * Only notes where this barrier to services was observed.
 */
barrier: Barrier | null, 
/**
 * Only notes where this need was observed.
 */
need: NeedCategory | null, 
/**
 * Only notes that happened at or after this moment.
 */
from: Timestamp | null, 
/**
 * Only notes that happened before this moment.
 */
to: Timestamp | null, 
/**
 * Only notes in this review status.
 */
review: ReviewStatus | null, 
/**
 * Only notes with a follow-up due on or before this day.
 */
follow_up_due_by: Day | null, };

export type NoteHit = { 
/**
 * The note as the journal lists it (method, date, author, place…).
 */
note: NoteSummary, 
/**
 * The title with matches highlighted.
 */
title_segments: Array<Segment>, 
/**
 * A passage of the text with matches highlighted.
 */
snippet: Array<Segment>, };

export type NoteInput = { 
/**
 * How the observation was made.
 */
method: Method | null, 
/**
 * Title (required).
 */
title: string, 
/**
 * Body text.
 */
body: string | null, 
/**
 * When it happened (defaults to now).
 */
occurred_at: Timestamp | null, 
/**
 * How long, in minutes.
 */
duration_minutes: number | null, 
/**
 * The place, as typed; matched to a place record by name when one fits.
 */
place: string | null, 
/**
 * A place record.
 */
place_id: RecordId | null, 
/**
 * The kind of place.
 */
place_kind: PlaceKind | null, 
/**
 * Theme codes from the codebook.
 */
themes: Array<string>, 
/**
 * Barriers observed.
 */
barriers: Array<Barrier>, 
/**
 * Needs observed.
 */
needs: Array<NeedCategory>, 
/**
 * Participant count.
 */
participants: number | null, 
/**
 * Participants' age groups.
 */
age_groups: Array<AgeGroup>, 
/**
 * A follow-up is due on this day.
 */
follow_up_due: Day | null, 
/**
 * What the follow-up is.
 */
follow_up_what: string | null, 
/**
 * Review status (defaults to draft).
 */
review: ReviewStatus | null, 
/**
 * Group: open to everyone.
 */
group_open: boolean | null, };

export type NotePage = { 
/**
 * How many notes match the filter in all.
 */
total: number, 
/**
 * This page's notes, newest first.
 */
items: Array<NoteSummary>, };

export type NotePatch = { 
/**
 * How the observation was made.
 */
method: Method | null, 
/**
 * Title (not empty).
 */
title: string | null, 
/**
 * When it happened.
 */
occurred_at: Timestamp | null, 
/**
 * How long, in minutes (0 clears it).
 */
duration_minutes: number | null, 
/**
 * The place as typed (empty clears it); matched to a place record
 * by name when one fits.
 */
place: string | null, 
/**
 * The kind of place.
 */
place_kind: PlaceKind | null, 
/**
 * Theme codes from the codebook.
 */
themes: Array<string> | null, 
/**
 * Barriers observed.
 */
barriers: Array<Barrier> | null, 
/**
 * Needs observed.
 */
needs: Array<NeedCategory> | null, 
/**
 * The persons the note concerns (their records).
 */
persons: Array<RecordId> | null, 
/**
 * Participant count (0 clears it).
 */
participants: number | null, 
/**
 * Whether a follow-up is needed.
 */
follow_up_needed: boolean | null, 
/**
 * The follow-up's due day; `follow_up_clear_due` removes it.
 */
follow_up_due: Day | null, 
/**
 * Remove the follow-up's due day.
 */
follow_up_clear_due: boolean, 
/**
 * Review status.
 */
review: ReviewStatus | null, 
/**
 * Group: open to everyone.
 */
group_open: boolean | null, };

export type NoteSearch = { 
/**
 * How many notes match the words and the filter in all.
 */
total: number, 
/**
 * The best matches, titles first (at most the limit asked).
 */
hits: Array<NoteHit>, };

export type NoteSummary = { 
/**
 * The note's id.
 */
id: RecordId, 
/**
 * Always `note`.
 */
kind: RecordKind, 
/**
 * How it was observed.
 */
method: Method, 
/**
 * Title.
 */
title: string, 
/**
 * The start of the body.
 */
excerpt: string, 
/**
 * When it happened.
 */
occurred_at: Timestamp, 
/**
 * Place, as typed or named.
 */
place: string | null, 
/**
 * Theme codes.
 */
themes: Array<string>, 
/**
 * Where it stands in review.
 */
review: ReviewStatus, 
/**
 * Follow-up due date, if a follow-up is needed.
 */
follow_up_due: string | null, 
/**
 * Whether a follow-up is needed.
 */
follow_up_needed: boolean, 
/**
 * Who wrote it.
 */
author: MemberId, 
/**
 * Number of comments.
 */
comments: number, };

export type Overdue = { 
/**
 * Notes whose follow-up was due before today.
 */
notes: number, 
/**
 * Open referrals whose next follow-up was due before today.
 */
referrals: number, };

export type Page = { 
/**
 * How many to skip.
 */
offset: number, 
/**
 * How many to return (at most 500).
 */
limit: number, };

export type Participants = { 
/**
 * How many people.
 */
count: number | null, 
/**
 * Their age groups.
 */
age_groups: Array<AgeGroup>, 
/**
 * Languages spoken (ISO 639-1 codes or names).
 */
languages: Array<string>, };

export type Passage = { 
/**
 * The coding's id.
 */
coding: ItemId, 
/**
 * The theme's code.
 */
theme: string, 
/**
 * Who coded it.
 */
coder: MemberId, 
/**
 * When.
 */
at: Timestamp, 
/**
 * Which text of the note.
 */
field: CodedField, 
/**
 * The story, entry or comment, for the texts of a list.
 */
item: ItemId | null, 
/**
 * First character, counted in the text as it is now.
 */
start: number, 
/**
 * Just past the last character; equal to `start` when every word of
 * the passage was deleted.
 */
end: number, 
/**
 * The passage's words now.
 */
text: string, 
/**
 * The length of the whole text now (for agreement between coders).
 */
text_len: number, };

export type PassageFilter = { 
/**
 * Only passages coded with this theme (or one of its sub-themes,
 * with `with_sub_themes`).
 */
theme: string | null, 
/**
 * Count the theme's sub-themes as the theme.
 */
with_sub_themes: boolean, 
/**
 * Only passages coded by this member.
 */
coder: MemberId | null, 
/**
 * Only passages of the notes this filter keeps (the journal's).
 */
notes: NoteFilter, };

export type PassageInput = { 
/**
 * Which text of the note.
 */
field: CodedField, 
/**
 * The story, entry or comment, for the texts of a list.
 */
item: ItemId | null, 
/**
 * First character.
 */
start: number, 
/**
 * Just past the last character.
 */
end: number, 
/**
 * The passage's words as the person selected them; when given, the
 * coding is refused if the text changed since.
 */
text: string | null, };

export type PassagePage = { 
/**
 * How many passages match in all.
 */
total: number, 
/**
 * This page, newest note first, in text order within a note.
 */
items: Array<PassageRow>, };

export type PassageRow = { 
/**
 * The note.
 */
note: RecordId, 
/**
 * Its title.
 */
title: string, 
/**
 * Its method.
 */
method: Method, 
/**
 * When it happened.
 */
occurred_at: Timestamp, 
/**
 * Who wrote it.
 */
author: MemberId, 
/**
 * Its sector.
 */
sector: string | null, 
/**
 * The coding.
 */
coding: ItemId, 
/**
 * The theme.
 */
theme: string, 
/**
 * Who coded it.
 */
coder: MemberId, 
/**
 * When.
 */
coded_at: Timestamp, 
/**
 * Which text of the note.
 */
field: CodedField, 
/**
 * The story, entry or comment.
 */
item: ItemId | null, 
/**
 * First character in that text.
 */
start: number, 
/**
 * Just past the last.
 */
end: number, 
/**
 * The passage.
 */
text: string, };

export type Person = { 
/**
 * A pseudonym or code; required.
 */
pseudonym: string, 
/**
 * Identifying details, only with consent.
 */
identity: Identity | null, 
/**
 * Languages spoken.
 */
languages: Array<string>, 
/**
 * Age group.
 */
age_group: AgeGroup | null, 
/**
 * Sector of the territory.
 */
sector: string | null, 
/**
 * Consents given or withdrawn, newest last.
 */
consents: Array<Consent>, 
/**
 * Needs identified.
 */
needs: Array<NeedCategory>, 
/**
 * Referrals to services of the directory.
 */
referrals: Array<Referral>, 
/**
 * Free notes about the follow-up.
 */
notes: LongText, 
/**
 * Each time the person's data was exported for them (Law 25 access
 * and portability), oldest first.
 */
disclosures: Array<Disclosure>, 
/**
 * The record this one was copied from, without its history (see
 * `Notebook::rewrite_person`), and when.
 */
rewritten_from: Rewritten | null, 
/**
 * Who opened the file.
 */
author: MemberId, 
/**
 * When.
 */
created_at: Timestamp, };

export type PersonDetail = { 
/**
 * The person's id.
 */
id: RecordId, 
/**
 * Every referral of the person, oldest first: those their record
 * holds and those that are records of their own.
 */
referrals: Array<Referral>, 
/**
 * The referrals that are records of their own (those with a thread
 * of messages with the partner organisation).
 */
threads: Array<ItemId>, 
/**
 * The person.
 */
person: Person, 
/**
 * Who changed what, when (newest last).
 */
history: Array<HistoryItem>, 
/**
 * Fields with concurrent values to settle.
 */
conflicts: Array<Conflict>, 
/**
 * The notes linked to the person, newest first.
 */
notes: Array<LinkedNoteSummary>, };

export type PersonExportFiles = { 
/**
 * The JSON file.
 */
json: string, 
/**
 * The PDF.
 */
pdf: string, 
/**
 * Notes linked to the person.
 */
notes: number, 
/**
 * The PDF's pages.
 */
pages: number, };

export type PersonInput = { 
/**
 * Pseudonym or code (required).
 */
pseudonym: string, 
/**
 * Age group.
 */
age_group: AgeGroup | null, 
/**
 * Languages.
 */
languages: Array<string>, 
/**
 * Sector.
 */
sector: string | null, 
/**
 * Needs identified.
 */
needs: Array<NeedCategory>, 
/**
 * Notes.
 */
notes: string | null, };

export type PersonSummary = { 
/**
 * The person's record.
 */
id: RecordId, 
/**
 * The pseudonym the team uses.
 */
pseudonym: string, 
/**
 * Age group.
 */
age_group: AgeGroup | null, 
/**
 * Sector code.
 */
sector: string | null, 
/**
 * Needs identified.
 */
needs: Array<NeedCategory>, 
/**
 * Referrals made.
 */
referrals: number, 
/**
 * Referrals still open (see `ReferralStatus::is_closed`).
 */
open_referrals: number, };

export type Place = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its kind (named `place_kind`: `kind` is the record kind).
 */
place_kind: PlaceKind, 
/**
 * Sector of the territory (a code of the workspace).
 */
sector: string | null, 
/**
 * Street address.
 */
address: string | null, 
/**
 * What the team knows of it.
 */
notes: LongText, };

export type PlaceKind = "cafe" | "park" | "community-room" | "school" | "corner-store" | "clinic" | "library" | "storefront" | "home" | "street" | "transit" | "place-of-worship" | "community-organisation" | "other";

export type PlaceSummary = { 
/**
 * The place's record.
 */
id: RecordId, 
/**
 * Its name.
 */
name: string, 
/**
 * What kind of place.
 */
kind: PlaceKind, 
/**
 * Sector, if set.
 */
sector: string | null, };

export type Preferences = { 
/**
 * `fr` or `en`; none: follow the system.
 */
language: string | null, 
/**
 * The last screen shown (`journal`, `capture`, `note:ID`…).
 */
last_screen: string | null, 
/**
 * Lock after this many minutes without use (none: 10; 0: never).
 */
lock_after_minutes: number | null, 
/**
 * The folder backups go to (none: "Carnet backups" in the exports
 * folder).
 */
backup_folder: string | null, 
/**
 * How many backups to keep there (none: 7).
 */
backup_keep: number | null, 
/**
 * Back up every this many days (none or 0: only when asked).
 */
backup_every_days: number | null, 
/**
 * When the last backup was made (ms since the epoch).
 */
last_backup_at: number | null, };

export type Protection = "secret-store" | "passphrase" | "plain";

export type Record = { "kind": "workspace" } & Workspace | { "kind": "note" } & Note | { "kind": "person" } & Person | { "kind": "resource" } & Resource | { "kind": "place" } & Place | { "kind": "incident" } & Incident | { "kind": "referral" } & ReferralRecord;

export type RecordId = string;

export type RecordKind = "workspace" | "note" | "person" | "resource" | "place" | "incident" | "referral";

export type Referral = { 
/**
 * The referral's id.
 */
id: ItemId, 
/**
 * The service, as named (or picked from the directory).
 */
service: string, 
/**
 * The directory resource, if picked from it.
 */
resource_id: RecordId | null, 
/**
 * The service of that organisation it is addressed to.
 */
service_id: ItemId | null, 
/**
 * The need it answers.
 */
need: NeedCategory, 
/**
 * When it was made.
 */
made_at: Timestamp, 
/**
 * Current status; concurrent settings show as concurrent values.
 */
status: ReferralStatus, 
/**
 * Every status change, oldest first.
 */
history: Array<StatusChange>, 
/**
 * Planned follow-ups.
 */
follow_ups: Array<ReferralFollowUp>, 
/**
 * How it ended, in words (a free note beside `result`).
 */
outcome: string | null, 
/**
 * How it ended for the person, set when it closes.
 */
result: ReferralOutcome | null, 
/**
 * The partner organisation may know who the person is (name and
 * phone): only while the person consents to sharing with partners.
 */
share_identity: boolean, };

export type ReferralFollowUp = { 
/**
 * The follow-up's id.
 */
id: ItemId, 
/**
 * When it is due.
 */
due: Day, 
/**
 * Done yet.
 */
done: boolean, 
/**
 * What to do or what happened.
 */
note: string | null, };

export type ReferralInput = { 
/**
 * The service, as named.
 */
service: string, 
/**
 * The directory resource, if picked.
 */
resource_id: RecordId | null, 
/**
 * The service of the directory it is addressed to (its organisation
 * is found from it when `resource_id` is not given).
 */
service_id: ItemId | null, 
/**
 * The need it answers.
 */
need: NeedCategory, 
/**
 * Why, or what was agreed.
 */
note: string | null, 
/**
 * Initial status (defaults to proposed).
 */
status: ReferralStatus | null, 
/**
 * Let the organisation know who the person is (name and phone); needs
 * the person's consent to sharing with partners.
 */
share_identity: boolean, };

export type ReferralMessage = { 
/**
 * The message's id.
 */
id: ItemId, 
/**
 * When it was written.
 */
at: Timestamp, 
/**
 * Who wrote it.
 */
by: MemberId, 
/**
 * What it says.
 */
text: string, };

export type ReferralOutcome = "received" | "partly" | "no-room" | "not-eligible" | "person-declined" | "no-show" | "unreachable" | "not-received-other";

export type ReferralRecord = { 
/**
 * The person referred.
 */
person: RecordId, 
/**
 * The person's pseudonym when the referral was made (what an
 * organisation may always know of them).
 */
pseudonym: string, 
/**
 * Who made it.
 */
made_by: MemberId, 
/**
 * The referral: service, need, status and its history, follow-ups,
 * outcome. Its `id` is the record's id.
 */
referral: Referral, 
/**
 * The person's name and phone, copied for the partner organisation
 * only while the person consents to sharing them
 * (`referral.share_identity`); removed, with the record's history,
 * when that consent is withdrawn.
 */
identity: SharedIdentity | null, 
/**
 * The thread between the referring team and the partner, oldest
 * first.
 */
messages: Array<ReferralMessage>, };

export type ReferralStatus = "draft" | "proposed" | "requested" | "accepted" | "in-progress" | "on-hold" | "completed" | "declined" | "cancelled" | "failed" | "entered-in-error";

export type ReferralStep = { 
/**
 * The new status.
 */
status: ReferralStatus, 
/**
 * When.
 */
at: Timestamp, 
/**
 * Who, by name.
 */
by: string, 
/**
 * Why, if said.
 */
note: string | null, };

export type ReferralSummary = { 
/**
 * The referral's id.
 */
id: ItemId, 
/**
 * The person's record.
 */
person: RecordId, 
/**
 * The person's pseudonym.
 */
pseudonym: string, 
/**
 * The service.
 */
service: string, 
/**
 * The need it answers.
 */
need: NeedCategory, 
/**
 * Where it stands.
 */
status: ReferralStatus, 
/**
 * When it was made.
 */
made_at: Timestamp, 
/**
 * The next follow-up not done.
 */
next_follow_up: string | null, 
/**
 * The member who made it.
 */
made_by: MemberId | null, 
/**
 * The directory resource it is addressed to, if picked from it.
 */
resource_id: RecordId | null, 
/**
 * The service of that organisation.
 */
service_id: ItemId | null, 
/**
 * How it ended, in words, once it has.
 */
outcome: string | null, 
/**
 * How it ended for the person, once closed with an outcome.
 */
result: ReferralOutcome | null, };

export type ReferralThread = { 
/**
 * The referral's id.
 */
id: ItemId, 
/**
 * The person's record (which a partner does not hold).
 */
person: RecordId, 
/**
 * The person's pseudonym.
 */
pseudonym: string, 
/**
 * The person's name and phone, only while they consent to sharing.
 */
identity: SharedIdentity | null, 
/**
 * The referral: service, need, status, follow-ups, outcome.
 */
referral: Referral, 
/**
 * Who made it, by name.
 */
made_by: string, 
/**
 * Its status changes, oldest first, named.
 */
steps: Array<ReferralStep>, 
/**
 * Its messages, oldest first.
 */
messages: Array<ThreadMessage>, };

export type RejectCode = "forbidden" | "invalid" | "erased" | "missing-deps" | "too-large";

export type RejectedRecord = { 
/**
 * The record.
 */
id: RecordId, 
/**
 * Its kind.
 */
kind: RecordKind, 
/**
 * Why.
 */
code: RejectCode, 
/**
 * The server's sentence.
 */
reason: string, };

export type RejectedRow = { 
/**
 * The file, as named in the package.
 */
file: string, 
/**
 * Its line (the header is line 1).
 */
line: number, 
/**
 * What is wrong with it.
 */
problem: RowProblem, 
/**
 * The same in a sentence (English, for the command line).
 */
reason: string, };

export type Resource = { 
/**
 * Name in French.
 */
name_fr: string, 
/**
 * Name in English, if different.
 */
name_en: string | null, 
/**
 * Description in French.
 */
description_fr: LongText, 
/**
 * Description in English.
 */
description_en: LongText, 
/**
 * Website.
 */
website: string | null, 
/**
 * Phone numbers.
 */
phones: Array<string>, 
/**
 * Email.
 */
email: string | null, 
/**
 * Services offered.
 */
services: Array<Service>, 
/**
 * Where.
 */
locations: Array<Location>, 
/**
 * When the information was last checked.
 */
last_verified: Day | null, 
/**
 * Who checked it then.
 */
verified_by: MemberId | null, 
/**
 * No longer offered: kept for the referrals that name it, left out
 * of the pickers.
 */
retired: Retirement | null, 
/**
 * Its id in the directory it was imported from (Open Referral HSDS),
 * so that importing that directory again updates it.
 */
external_id: string | null, };

export type ResourceInput = { 
/**
 * Name in French (required).
 */
name_fr: string, 
/**
 * Name in English, if different.
 */
name_en: string | null, 
/**
 * Description in French.
 */
description_fr: string, 
/**
 * Description in English.
 */
description_en: string, 
/**
 * Website (`https://` is added when no scheme is given).
 */
website: string | null, 
/**
 * Phone numbers.
 */
phones: Array<string>, 
/**
 * Email.
 */
email: string | null, 
/**
 * Its services: one without an id is new; an existing service left
 * out is removed (retire it instead when referrals name it).
 */
services: Array<ServiceInput>, 
/**
 * Its locations, the same way.
 */
locations: Array<LocationInput>, };

export type ResourceSummary = { 
/**
 * The resource's record.
 */
id: RecordId, 
/**
 * Its name in French.
 */
name: string, 
/**
 * Its name in English, if different.
 */
name_en: string | null, 
/**
 * Languages its services are offered in.
 */
languages: Array<string>, 
/**
 * Need categories its services answer.
 */
needs: Array<NeedCategory>, 
/**
 * Sectors of its locations.
 */
sectors: Array<string>, 
/**
 * Its services still offered.
 */
services: number, 
/**
 * When it was last verified.
 */
last_verified: Day | null, 
/**
 * Retired: no longer offered.
 */
retired: boolean, };

export type Retention = { 
/**
 * Persons with no activity (their file, a note linked to them) for
 * this many months are to be erased.
 */
inactive_person_months: number | null, 
/**
 * Referrals closed more than this many years ago are to be removed
 * from persons' files.
 */
closed_referral_years: number | null, };

export type RetentionDone = { 
/**
 * Persons erased.
 */
persons: number, 
/**
 * Closed referrals removed.
 */
referrals: number, };

export type RetentionReview = { 
/**
 * The policy applied.
 */
policy: Retention, 
/**
 * Persons with no activity since the policy's limit.
 */
persons: Array<DuePerson>, 
/**
 * Referrals closed before the policy's limit.
 */
referrals: Array<DueReferral>, };

export type Retirement = { 
/**
 * When.
 */
at: Timestamp, 
/**
 * By whom.
 */
by: MemberId, };

export type ReviewCounts = { 
/**
 * Records holding concurrent values.
 */
conflicted: number, 
/**
 * Records others changed since this member last looked.
 */
unseen: number, 
/**
 * Of those, the ones with a comment naming this member.
 */
mentions: number, 
/**
 * Notes marked "to review".
 */
to_review: number, };

export type ReviewStatus = "draft" | "to-review" | "needs-changes" | "reviewed";

export type Rewritten = { 
/**
 * The record it replaces (erased).
 */
record: RecordId, 
/**
 * When.
 */
at: Timestamp, 
/**
 * By whom.
 */
by: MemberId, };

export type Role = "coordinator" | "worker" | "observer" | "partner";

export type RowProblem = { "code": "not-csv", "value": string } | { "code": "not-utf8" } | { "code": "missing", "value": string } | { "code": "duplicate-id", "value": string } | { "code": "website", "value": string } | { "code": "email", "value": string } | { "code": "status", "value": string } | { "code": "date", "value": string } | { "code": "unknown-organisation", "value": string } | { "code": "unknown-service", "value": string } | { "code": "unknown-location", "value": string } | { "code": "no-language-code" } | { "code": "no-owner" };

export type Sector = { 
/**
 * Stable code.
 */
code: string, 
/**
 * Name.
 */
name: string, };

export type Segment = { 
/**
 * The text.
 */
text: string, 
/**
 * Whether it matched the query.
 */
hit: boolean, };

export type Service = { 
/**
 * The service's id.
 */
id: ItemId, 
/**
 * Name in French.
 */
name_fr: string, 
/**
 * Name in English.
 */
name_en: string | null, 
/**
 * Description in French.
 */
description_fr: LongText, 
/**
 * Description in English.
 */
description_en: LongText, 
/**
 * Need categories served.
 */
needs: Array<NeedCategory>, 
/**
 * Who is eligible.
 */
eligibility: string | null, 
/**
 * Languages the service is offered in.
 */
languages: Array<string>, 
/**
 * Fees.
 */
fees: string | null, 
/**
 * Opening hours.
 */
hours: string | null, 
/**
 * How to apply.
 */
how_to_apply: string | null, 
/**
 * No longer offered (kept for the referrals addressed to it).
 */
retired: boolean, 
/**
 * Its id in an imported directory (HSDS).
 */
external_id: string | null, };

export type ServiceInput = { 
/**
 * The service's id; none for a new one.
 */
id: ItemId | null, 
/**
 * Name in French (required).
 */
name_fr: string, 
/**
 * Name in English.
 */
name_en: string | null, 
/**
 * Description in French.
 */
description_fr: string, 
/**
 * Description in English.
 */
description_en: string, 
/**
 * Need categories served.
 */
needs: Array<NeedCategory>, 
/**
 * Who is eligible.
 */
eligibility: string | null, 
/**
 * Languages it is offered in (ISO 639 codes).
 */
languages: Array<string>, 
/**
 * Fees.
 */
fees: string | null, 
/**
 * Opening hours.
 */
hours: string | null, 
/**
 * How to apply.
 */
how_to_apply: string | null, 
/**
 * No longer offered.
 */
retired: boolean, };

export type ShadowEntry = { 
/**
 * The entry's id.
 */
id: ItemId, 
/**
 * When it was seen.
 */
at: Timestamp, 
/**
 * Where, if it changed.
 */
place: string | null, 
/**
 * What was seen.
 */
text: LongText, };

export type ShadowTimer = { 
/**
 * The periods the timer ran, oldest first; the last one is open while
 * the timer runs.
 */
spans: Array<TimerSpan>, 
/**
 * When the shadowing was finished.
 */
finished_at: Timestamp | null, };

export type SharedIdentity = { 
/**
 * Name.
 */
name: string | null, 
/**
 * Phone.
 */
phone: string | null, };

export type SpanKind = "kept" | "added" | "removed";

export type StatusChange = { 
/**
 * The change's id.
 */
id: ItemId, 
/**
 * The new status.
 */
status: ReferralStatus, 
/**
 * When.
 */
at: Timestamp, 
/**
 * By whom.
 */
by: MemberId, 
/**
 * Why, optionally.
 */
note: string | null, };

export type Story = { 
/**
 * The story's id.
 */
id: ItemId, 
/**
 * Who told it, described anonymously ("a mother of three, 30s").
 */
told_by: string | null, 
/**
 * The story.
 */
text: LongText, };

export type SyncProgress = { 
/**
 * Rounds so far.
 */
rounds: number, 
/**
 * Records received so far.
 */
received: number, 
/**
 * Bytes received so far.
 */
bytes_received: number, 
/**
 * More pages wait.
 */
more: boolean, 
/**
 * Entries of the team's feed still to come, when the server says.
 */
remaining: number | null, };

export type SyncState = { "state": "personal" } | { "state": "syncing", 
/**
 * Records received so far.
 */
received: number, 
/**
 * Bytes received so far.
 */
bytes: number, } | { "state": "synced", 
/**
 * When (ms since epoch).
 */
at: number, } | { "state": "offline", 
/**
 * Why.
 */
reason: string, } | { "state": "failed", 
/**
 * What went wrong.
 */
kind: ErrorKind, 
/**
 * For people.
 */
message: string, };

export type SyncStatus = { 
/**
 * The server, when joined.
 */
server: string | null, 
/**
 * The team's name.
 */
team: string | null, 
/**
 * This device's role.
 */
role: Role | null, 
/**
 * When the last sync succeeded (RFC 3339).
 */
last_sync: string | null, 
/**
 * The last sync error, if the last sync failed.
 */
last_error: string | null, 
/**
 * Records with changes not yet on the server.
 */
waiting: number, 
/**
 * Records the server refused, with reasons.
 */
rejected: Array<RejectedRecord>, };

export type Synthesis = { 
/**
 * Notes the filter keeps.
 */
notes: number, 
/**
 * Coded passages in them.
 */
passages: number, 
/**
 * Themes by notes and passages, most used first.
 */
themes: Array<ThemeCount>, 
/**
 * Notes per theme and month (`row`: `YYYY-MM`, `column`: theme), in
 * the device's time zone.
 */
themes_by_month: Array<Cross>, 
/**
 * Notes per barrier (`row`) and method (`column`).
 */
barriers_by_method: Array<Cross>, 
/**
 * Notes per barrier and sector.
 */
barriers_by_sector: Array<Cross>, 
/**
 * Notes per need and method.
 */
needs_by_method: Array<Cross>, 
/**
 * Notes per need and sector.
 */
needs_by_sector: Array<Cross>, 
/**
 * Notes tagged with both themes (`row` < `column`).
 */
theme_pairs: Array<Cross>, 
/**
 * Notes per theme (`row`) and barrier (`column`).
 */
theme_barriers: Array<Cross>, 
/**
 * Referrals by status, in the vocabulary's order.
 */
funnel: Array<Count>, 
/**
 * How long closed referrals took.
 */
closing: ClosingTimes, 
/**
 * Follow-ups overdue.
 */
overdue: Overdue, 
/**
 * Notes per author (member id).
 */
by_member: Array<Count>, 
/**
 * Notes per method.
 */
by_method: Array<Count>, 
/**
 * Notes per place (the place's name, or as typed).
 */
by_place: Array<Count>, 
/**
 * The loop with partner organisations: referrals per organisation
 * (or service as named) and need, how they were answered and ended.
 */
referral_loop: Array<LoopRow>, 
/**
 * Referrals no organisation answered within [`UNANSWERED_DAYS`]
 * days, longest waiting first, to follow up (every person's: a list
 * of work, which the printed report only counts).
 */
unanswered: Array<Unanswered>, };

export type Tally = { 
/**
 * Characters both coded.
 */
both: number, 
/**
 * Characters only the first coded.
 */
first_only: number, 
/**
 * Characters only the second coded.
 */
second_only: number, 
/**
 * Characters neither coded.
 */
neither: number, };

export type Term = { 
/**
 * The stable code.
 */
code: string, 
/**
 * French label.
 */
fr: string, 
/**
 * English label.
 */
en: string, };

export type TextChange = { 
/**
 * Dotted path of the text, with list positions (`body`,
 * `comments.2.text`).
 */
path: string, 
/**
 * The text, in order: kept, added and removed runs.
 */
spans: Array<TextSpan>, };

export type TextSpan = { 
/**
 * The characters.
 */
text: string, 
/**
 * Kept, added or removed.
 */
kind: SpanKind, 
/**
 * Who wrote it (added) or removed it (when known); `None` for kept
 * text.
 */
author: MemberId | null, };

export type Theme = { 
/**
 * Stable code, e.g. `alimentation`.
 */
code: string, 
/**
 * French label.
 */
label_fr: string, 
/**
 * English label.
 */
label_en: string, 
/**
 * Colour, `#rrggbb`.
 */
colour: string, 
/**
 * Parent theme's code.
 */
parent: string | null, 
/**
 * What the theme means, in French.
 */
definition_fr: string, 
/**
 * What the theme means, in English.
 */
definition_en: string, 
/**
 * When to use it (inclusion), in French.
 */
include_fr: string, 
/**
 * When to use it (inclusion), in English.
 */
include_en: string, 
/**
 * When not to use it (exclusion), in French.
 */
exclude_fr: string, 
/**
 * When not to use it (exclusion), in English.
 */
exclude_en: string, 
/**
 * Archived: kept for the notes and codings that use it, no longer
 * offered for new ones.
 */
archived: boolean, 
/**
 * Merged into this theme: its codings and notes moved there.
 */
merged_into: string | null, };

export type ThemeAgreement = { 
/**
 * The theme.
 */
theme: string, 
/**
 * Characters counted, by how each coder coded them.
 */
tally: Tally, 
/**
 * Percentage agreement; none with nothing counted.
 */
percent: number | null, 
/**
 * Cohen's kappa; none where it is undefined.
 */
kappa: number | null, };

export type ThemeCount = { 
/**
 * The theme's code.
 */
theme: string, 
/**
 * Notes tagged with it or holding a passage coded with it.
 */
notes: number, 
/**
 * Passages coded with it.
 */
passages: number, };

export type ThemeUse = { 
/**
 * The theme.
 */
theme: string, 
/**
 * Notes tagged with it or with a passage coded with it.
 */
notes: number, 
/**
 * Passages coded with it.
 */
passages: number, };

export type ThreadMessage = { 
/**
 * The message's id.
 */
id: ItemId, 
/**
 * When it was written.
 */
at: Timestamp, 
/**
 * Who wrote it, by name.
 */
by: string, 
/**
 * Written on this device's member's behalf.
 */
mine: boolean, 
/**
 * What it says.
 */
text: string, };

export type TimerAction = "start" | "pause" | "finish";

export type TimerSpan = { 
/**
 * The period's id.
 */
id: ItemId, 
/**
 * When the timer started or resumed.
 */
start: Timestamp, 
/**
 * When it was paused or finished; none while it runs.
 */
end: Timestamp | null, };

export type Timestamp = string;

export type UiError = { 
/**
 * What went wrong, from the closed list the UI branches on.
 */
kind: ErrorKind, 
/**
 * For people, in English; the UI translates the kinds it knows.
 */
message: string, };

export type Unanswered = { 
/**
 * The referral.
 */
referral: ItemId, 
/**
 * The person's record and pseudonym.
 */
person: RecordId, 
/**
 * Their pseudonym.
 */
pseudonym: string, 
/**
 * The service, as named.
 */
service: string, 
/**
 * Days since it was made.
 */
days: number, };

export type Vocabularies = { 
/**
 * Observation methods.
 */
methods: Array<Term>, 
/**
 * Review statuses of notes.
 */
review: Array<Term>, 
/**
 * Kinds of places.
 */
place_kinds: Array<Term>, 
/**
 * Barriers.
 */
barriers: Array<Term>, 
/**
 * Need categories.
 */
needs: Array<Term>, 
/**
 * Referral statuses.
 */
referral_statuses: Array<Term>, 
/**
 * How a referral ended for the person.
 */
referral_outcomes: Array<Term>, 
/**
 * Age groups.
 */
age_groups: Array<Term>, 
/**
 * What a person may consent to.
 */
consent_purposes: Array<Term>, 
/**
 * How a consent was given.
 */
consent_methods: Array<Term>, 
/**
 * Roles on a team.
 */
roles: Array<Term>, 
/**
 * The statuses in which a referral is still open, in the order a
 * referral moves through them (the board's columns).
 */
open_referral_statuses: Array<ReferralStatus>, };

export type Workspace = { 
/**
 * The team's name.
 */
name: string, 
/**
 * The team's default language.
 */
default_language: Language, 
/**
 * The codebook of themes.
 */
codebook: Array<Theme>, 
/**
 * Sectors of the territory.
 */
sectors: Array<Sector>, 
/**
 * Members, so history can name authors.
 */
members: Array<Member>, 
/**
 * How long the team keeps persons' data (Law 25: no longer than
 * needed); none set by default.
 */
retention: Retention, };

/** What the window needs at start. */
export function appInfo(): Promise<AppInfo> {
  return invoke("app_info");
}

/** Remember the window's preferences. */
export function setPreferences(preferences: Preferences): Promise<null> {
  return invoke("set_preferences", { preferences });
}

/** Open the locked notebook: with its passphrase, or (none given) */
/** from the secret store. */
export function unlock(passphrase: string | null): Promise<AppInfo> {
  return invoke("unlock", { passphrase });
}

/** Lock: the notebook closes and its key leaves memory until unlocked */
/** (the window saves what was typed first). */
export function lock(): Promise<AppInfo> {
  return invoke("lock");
}

/** Where backups go, whether a backup passphrase is set, and the */
/** backups kept. */
export function backupSettings(): Promise<BackupSettings> {
  return invoke("backup_settings");
}

/** Seal the backups made from now on by a passphrase, so that they */
/** restore on any computer (scheduled ones too: no one types it then). */
export function setBackupPassphrase(passphrase: string): Promise<BackupSettings> {
  return invoke("set_backup_passphrase", { passphrase });
}

/** Back up the notebook now into the backup folder, keeping the newest */
/** ones (`backup-progress` events say how far it is). */
export function backupNow(): Promise<BackupDone> {
  return invoke("backup_now");
}

/** What a backup file holds (checked whole), before restoring it. */
export function inspectBackup(path: string): Promise<BackupInfo> {
  return invoke("inspect_backup", { path });
}

/** Restore a backup on a device without a notebook: `backup_passphrase` */
/** opens a backup sealed by one; the restored notebook's key is then */
/** sealed by `passphrase`, else kept by the secret store. */
export function restoreBackup(path: string, backupPassphrase: string | null, passphrase: string | null): Promise<AppInfo> {
  return invoke("restore_backup", { path, backupPassphrase, passphrase });
}

/** Keep the notebook's key another way: sealed by a new passphrase, or */
/** (none) in the secret store. `current` is the passphrase it has now, */
/** if it has one. The data is not re-encrypted. */
export function setProtection(current: string | null, passphrase: string | null): Promise<AppInfo> {
  return invoke("set_protection", { current, passphrase });
}

/** Start a personal notebook (its key sealed by `passphrase`, else */
/** kept by the secret store). */
export function startNotebook(team: string, member: string, passphrase: string | null): Promise<AppInfo> {
  return invoke("start_notebook", { team, member, passphrase });
}

/** Start a personal notebook filled with synthetic demo records. */
export function startDemo(member: string, passphrase: string | null): Promise<AppInfo> {
  return invoke("start_demo", { member, passphrase });
}

/** Join a team with an invitation code and pull the team's records. */
export function joinTeam(request: JoinRequest): Promise<AppInfo> {
  return invoke("join_team", { request });
}

/** Every closed vocabulary, with codes and French and English labels. */
export function vocabularies(): Promise<Vocabularies> {
  return invoke("vocabularies");
}

/** The team's workspace: name, codebook of themes, members. */
export function workspace(): Promise<Workspace> {
  return invoke("workspace");
}

/** The places of the territory. */
export function places(): Promise<Array<PlaceSummary>> {
  return invoke("places");
}

/** The places typed into notes that are not places of the territory. */
export function typedPlaces(): Promise<Array<string>> {
  return invoke("typed_places");
}

/** A page of the journal, newest first. */
export function listNotes(filter: NoteFilter, page: Page): Promise<NotePage> {
  return invoke("list_notes", { filter, page });
}

/** Search the journal within its filters: the count and the best matches. */
export function searchNotes(query: string, filter: NoteFilter, limit: number): Promise<NoteSearch> {
  return invoke("search_notes", { query, filter, limit });
}

/** Create a note; returns its id. */
export function createNote(input: NoteInput): Promise<RecordId> {
  return invoke("create_note", { input });
}

/** A note with its history and concurrent values. */
export function note(id: RecordId): Promise<NoteDetail> {
  return invoke("note", { id });
}

/** Change a note's fields. */
export function updateNote(id: RecordId, patch: NotePatch): Promise<null> {
  return invoke("update_note", { id, patch });
}

/** Replace a note's body (saved as a character diff, so it merges). */
export function setBody(id: RecordId, body: string): Promise<null> {
  return invoke("set_body", { id, body });
}

/** Add a timestamped entry to a shadowing log, with where it was seen. */
export function addShadowEntry(id: RecordId, text: string, place: string | null): Promise<ItemId> {
  return invoke("add_shadow_entry", { id, text, place });
}

/** Start, pause or finish a shadowing timer. */
export function shadowTimer(id: RecordId, action: TimerAction): Promise<null> {
  return invoke("shadow_timer", { id, action });
}

/** Change a shadowing entry's text and place. */
export function updateShadowEntry(id: RecordId, item: ItemId, text: string, place: string | null): Promise<null> {
  return invoke("update_shadow_entry", { id, item, text, place });
}

/** Remove a shadowing entry; returns it, for undo. */
export function removeShadowEntry(id: RecordId, item: ItemId): Promise<ShadowEntry> {
  return invoke("remove_shadow_entry", { id, item });
}

/** Put back a removed shadowing entry (undo). */
export function restoreShadowEntry(id: RecordId, entry: ShadowEntry): Promise<null> {
  return invoke("restore_shadow_entry", { id, entry });
}

/** Add a story told in a workshop, with who told it (described anonymously). */
export function addStory(id: RecordId, text: string, toldBy: string | null): Promise<ItemId> {
  return invoke("add_story", { id, text, toldBy });
}

/** Add an issue raised in a workshop. */
export function addIssue(id: RecordId, text: string): Promise<ItemId> {
  return invoke("add_issue", { id, text });
}

/** Add a leader identified in a workshop. */
export function addLeader(id: RecordId, text: string): Promise<ItemId> {
  return invoke("add_leader", { id, text });
}

/** Comment on a note, in answer to one of its comments when */
/** `reply_to` is given (`@name` mentions a member). */
export function addComment(id: RecordId, text: string, replyTo: ItemId | null): Promise<ItemId> {
  return invoke("add_comment", { id, text, replyTo });
}

/** Send a note back to its author: "needs changes", with a comment */
/** saying what. */
export function requestChanges(id: RecordId, what: string): Promise<ItemId> {
  return invoke("request_changes", { id, what });
}

/** Change the words of one's own comment. */
export function editComment(id: RecordId, comment: ItemId, text: string): Promise<null> {
  return invoke("edit_comment", { id, comment, text });
}

/** Delete one's own comment (its replies stay). */
export function deleteComment(id: RecordId, comment: ItemId): Promise<null> {
  return invoke("delete_comment", { id, comment });
}

/** A page of the inbox: what other members changed since this member */
/** last looked. */
export function inbox(filter: InboxFilter, limit: number, offset: number): Promise<InboxPage> {
  return invoke("inbox", { filter, limit, offset });
}

/** One record of the inbox: its changed texts word by word and its */
/** other fields before → after. */
export function inboxItem(id: RecordId): Promise<InboxDetail> {
  return invoke("inbox_item", { id });
}

/** Mark records of the inbox seen (none given: all of them). */
export function markSeen(ids: Array<RecordId> | null): Promise<number> {
  return invoke("mark_seen", { ids });
}

/** Mark records of the inbox not seen, to come back to them. */
export function markUnseen(ids: Array<RecordId>): Promise<number> {
  return invoke("mark_unseen", { ids });
}

/** A page of the records of every kind holding concurrent values. */
export function conflicted(limit: number, offset: number): Promise<ConflictedPage> {
  return invoke("conflicted", { limit, offset });
}

/** What waits for review here (the navigation's badge). */
export function reviewCounts(): Promise<ReviewCounts> {
  return invoke("review_counts");
}

/** Settle a field's concurrent values by choosing one. */
export function settleConflict(id: RecordId, path: string, choice: number): Promise<null> {
  return invoke("settle_conflict", { id, path, choice });
}

/** Settle a concurrent value of a person's page: their record's, or */
/** one of their referrals' (`referrals.N.…`, as the page lists them). */
export function settlePersonConflict(person: RecordId, path: string, choice: number): Promise<null> {
  return invoke("settle_person_conflict", { person, path, choice });
}

/** The persons this device holds. */
export function persons(): Promise<Array<PersonSummary>> {
  return invoke("persons");
}

/** A person with consents, needs, referrals and their history. */
export function person(id: RecordId): Promise<PersonDetail> {
  return invoke("person", { id });
}

/** Add a person (a pseudonym; identifying details only with consent). */
export function createPerson(input: PersonInput): Promise<RecordId> {
  return invoke("create_person", { input });
}

/** Record a person's consent for a purpose, or its withdrawal. */
export function recordConsent(person: RecordId, purpose: ConsentPurpose, given: boolean, how: ConsentMethod): Promise<ConsentEffects> {
  return invoke("record_consent", { person, purpose, given, how });
}

/** Set a person's identifying details (only with their consent). */
export function setIdentity(person: RecordId, identity: Identity): Promise<null> {
  return invoke("set_identity", { person, identity });
}

/** Set the needs identified for a person. */
export function setPersonNeeds(person: RecordId, needs: Array<NeedCategory>): Promise<null> {
  return invoke("set_person_needs", { person, needs });
}

/** Set the languages a person speaks (ISO 639 codes). */
export function setPersonLanguages(person: RecordId, languages: Array<string>): Promise<null> {
  return invoke("set_person_languages", { person, languages });
}

/** Refer a person to a service. */
export function addReferral(person: RecordId, input: ReferralInput): Promise<ItemId> {
  return invoke("add_referral", { person, input });
}

/** Move a referral to a new status, with an optional note (kept in its history). */
export function setReferralStatus(referral: ItemId, status: ReferralStatus, note: string | null): Promise<null> {
  return invoke("set_referral_status", { referral, status, note });
}

/** The person a referral is made for (to open their page). */
export function referralPerson(referral: ItemId): Promise<RecordId> {
  return invoke("referral_person", { referral });
}

/** The organisation's answer: accepted, or declined with the reason. */
export function answerReferral(referral: ItemId, accepted: boolean, reason: string | null): Promise<ReferralStatus> {
  return invoke("answer_referral", { referral, accepted, reason });
}

/** Close a referral with how it ended for the person, and a note; its */
/** status follows from the outcome. */
export function closeReferral(referral: ItemId, outcome: ReferralOutcome, note: string | null): Promise<ReferralStatus> {
  return invoke("close_referral", { referral, outcome, note });
}

/** Say how a referral ended (empty clears it). */
export function setReferralOutcome(referral: ItemId, outcome: string | null): Promise<null> {
  return invoke("set_referral_outcome", { referral, outcome });
}

/** Plan a follow-up of a referral. */
export function addReferralFollowUp(referral: ItemId, due: Day, note: string | null): Promise<ItemId> {
  return invoke("add_referral_follow_up", { referral, due, note });
}

/** Mark a referral's follow-up done, or not done again. */
export function setFollowUpDone(referral: ItemId, followUp: ItemId, done: boolean): Promise<null> {
  return invoke("set_follow_up_done", { referral, followUp, done });
}

/** A partner's inbox: the referrals addressed to its organisation. */
export function addressedReferrals(): Promise<Array<ReferralThread>> {
  return invoke("addressed_referrals");
}

/** A referral's steps and messages, named (a referral record). */
export function referralThread(referral: ItemId): Promise<ReferralThread> {
  return invoke("referral_thread", { referral });
}

/** Write to a referral's thread. */
export function postReferralMessage(referral: ItemId, text: string): Promise<ItemId> {
  return invoke("post_referral_message", { referral, text });
}

/** Referrals, newest first, optionally in one status only. */
export function referrals(status: ReferralStatus | null): Promise<Array<ReferralSummary>> {
  return invoke("referrals", { status });
}

/** The directory, filtered by need category and service language. */
export function resources(need: NeedCategory | null, language: string | null): Promise<Array<ResourceSummary>> {
  return invoke("resources", { need, language });
}

/** An organisation of the directory with its services. */
export function resource(id: RecordId): Promise<Resource> {
  return invoke("resource", { id });
}

/** The directory's list: by need, language, sector and words, the */
/** organisations not verified for some months, retired ones or not. */
export function directory(filter: DirectoryFilter): Promise<Array<ResourceSummary>> {
  return invoke("directory", { filter });
}

/** An organisation's form as it stands, to edit it. */
export function resourceForm(id: RecordId): Promise<ResourceInput> {
  return invoke("resource_form", { id });
}

/** Add an organisation (no `id`) or save its edited form. */
export function saveResource(id: RecordId | null, form: ResourceInput): Promise<RecordId> {
  return invoke("save_resource", { id, form });
}

/** Say an organisation's information was checked today, by this member. */
export function verifyResource(id: RecordId): Promise<null> {
  return invoke("verify_resource", { id });
}

/** Retire an organisation (no longer offered), or bring it back. */
export function retireResource(id: RecordId, retired: boolean): Promise<null> {
  return invoke("retire_resource", { id, retired });
}

/** Import an Open Referral HSDS datapackage (a folder or a zip). */
export function importDirectory(path: string): Promise<DirectoryImport> {
  return invoke("import_directory", { path });
}

/** Export the directory as an HSDS datapackage: a new folder in the */
/** exports folder, whose path is returned. */
export function exportDirectory(): Promise<string> {
  return invoke("export_directory");
}

/** Add a place of the territory. */
export function createPlace(name: string, kind: PlaceKind, sector: string | null, address: string | null): Promise<RecordId> {
  return invoke("create_place", { name, kind, sector, address });
}

/** Add a theme to the codebook, or change one (labels, colour, */
/** parent, definitions). */
export function saveTheme(theme: Theme): Promise<null> {
  return invoke("save_theme", { theme });
}

/** Archive a theme (kept for what uses it, no longer offered), or */
/** bring it back. */
export function archiveTheme(code: string, archived: boolean): Promise<null> {
  return invoke("archive_theme", { code, archived });
}

/** Merge a theme into another: every tag and coding moves, one change */
/** per note. Returns how many notes changed. */
export function mergeTheme(from: string, into: string): Promise<number> {
  return invoke("merge_theme", { from, into });
}

/** How many notes and coded passages each theme has. */
export function themeUses(): Promise<Array<ThemeUse>> {
  return invoke("theme_uses");
}

/** Code a passage of a note with themes; returns the new codings. */
export function codePassage(id: RecordId, passage: PassageInput, themes: Array<string>): Promise<Array<ItemId>> {
  return invoke("code_passage", { id, passage, themes });
}

/** Remove one of my codings from a note. */
export function removeCoding(id: RecordId, coding: ItemId): Promise<null> {
  return invoke("remove_coding", { id, coding });
}

/** A page of coded passages across the team. */
export function passages(filter: PassageFilter, page: Page): Promise<PassagePage> {
  return invoke("passages", { filter, page });
}

/** How far two coders agree, per theme, over the notes both coded. */
export function agreement(first: MemberId, second: MemberId): Promise<Agreement> {
  return invoke("agreement", { first, second });
}

/** Every aggregate of the team's synthesis for the notes a filter keeps. */
export function synthesis(filter: NoteFilter): Promise<Synthesis> {
  return invoke("synthesis", { filter });
}

/** Export the notes a journal filter keeps (CSV, JSON, a REFI-QDA */
/** project or the printable synthesis, in `lang`) into the exports */
/** folder; progress comes as `export-progress` events, and */
/** `cancel_export` stops it. */
export function exportNotes(kind: ExportKind, filter: NoteFilter, lang: string): Promise<ExportDone> {
  return invoke("export_notes", { kind, filter, lang });
}

/** Export every passage a filter keeps, as CSV or JSON, into the */
/** exports folder. */
export function exportPassages(kind: ExportKind, filter: PassageFilter): Promise<ExportDone> {
  return invoke("export_passages", { kind, filter });
}

/** Save a table the window shows (a chart's) as CSV or JSON in the */
/** exports folder. */
export function exportTable(name: string, kind: ExportKind, columns: Array<string>, rows: Array<Array<string>>): Promise<ExportDone> {
  return invoke("export_table", { name, kind, columns, rows });
}

/** Stop the export under way (nothing of it is left behind). */
export function cancelExport(): Promise<null> {
  return invoke("cancel_export");
}

/** The team's devices (coordinators). */
export function devices(): Promise<Array<DeviceInfo>> {
  return invoke("devices");
}

/** Create an invitation code for a role (coordinators); `expires_hours` */
/** defaults to the server's; a partner's names its organisation. */
export function invite(role: Role, persons: boolean, organisation: RecordId | null, expiresHours: number | null): Promise<string> {
  return invoke("invite", { role, persons, organisation, expiresHours });
}

/** Revoke a device (coordinators): it can no longer sync; its own notes stay on it. */
export function revoke(device: DeviceId): Promise<null> {
  return invoke("revoke", { device });
}

/** Delete a record of a personal notebook for good, with the reason */
/** (kept with its id and kind, never its content). */
export function deleteRecord(id: RecordId, reason: string): Promise<null> {
  return invoke("delete_record", { id, reason });
}

/** Erase a record on every device (coordinators), with the reason kept */
/** in its tombstone; this device purges it at the sync that follows. */
export function erase(id: RecordId, reason: string): Promise<null> {
  return invoke("erase", { id, reason });
}

/** Everything held about a person, for them: JSON and a PDF in their */
/** language (or `lang`), in the exports folder; recorded in their file. */
export function exportPerson(person: RecordId, lang: string | null): Promise<PersonExportFiles> {
  return invoke("export_person", { person, lang });
}

/** Rewrite a person's record without its history (what it no longer */
/** holds, such as a withdrawn name, goes from every device): a new */
/** record takes its place and its notes; the old one is erased with */
/** `reason`, through the server in a team (coordinators, online). */
export function rewritePerson(person: RecordId, reason: string): Promise<RecordId> {
  return invoke("rewrite_person", { person, reason });
}

/** The register of confidentiality incidents (coordinators). */
export function incidents(): Promise<Array<IncidentEntry>> {
  return invoke("incidents");
}

/** Record a confidentiality incident (coordinators). */
export function createIncident(input: IncidentInput): Promise<RecordId> {
  return invoke("create_incident", { input });
}

/** Change an incident's entry (coordinators). */
export function updateIncident(id: RecordId, input: IncidentInput): Promise<null> {
  return invoke("update_incident", { id, input });
}

/** Write the register as CSV or PDF in the exports folder, in `lang`. */
export function exportRegister(kind: ExportKind, lang: string): Promise<ExportDone> {
  return invoke("export_register", { kind, lang });
}

/** What the team's retention policy says should now be erased. */
export function retentionReview(): Promise<RetentionReview> {
  return invoke("retention_review");
}

/** Set the team's retention policy (coordinators). */
export function setRetention(policy: Retention): Promise<null> {
  return invoke("set_retention", { policy });
}

/** Erase the persons and remove the closed referrals the review */
/** designated, with one reason: on every device through the server in */
/** a team (coordinators, online), for good in a personal notebook; the */
/** files that lost referrals are rewritten without their history. */
export function applyRetention(persons: Array<RecordId>, referrals: Array<ItemId>, reason: string): Promise<RetentionDone> {
  return invoke("apply_retention", { persons, referrals, reason });
}

/** The sync indicator's state. */
export function syncState(): Promise<SyncState> {
  return invoke("sync_state");
}

/** Records waiting, rejected records with reasons, last sync. */
export function syncStatus(): Promise<SyncStatus> {
  return invoke("sync_status");
}

/** Sync now, in the background. */
export function syncNow(): Promise<null> {
  return invoke("sync_now");
}
