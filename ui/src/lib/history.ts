// A record's history in the person's language: who created it, and which
// fields each change touched, named as the screens name them. The paths
// come from the core (`title`, `referrals.history.status`,
// `consents.recorded_by`); no internal name is ever shown.

import type { HistoryItem, RecordKind } from "../bindings/carnet";
import { translate, type Lang } from "./i18n";
import type { MessageKey } from "./messages";

const top: Record<string, MessageKey> = {
  // notes
  title: "note.title",
  body: "note.body",
  method: "note.method",
  themes: "note.themes",
  codings: "coding.title",
  barriers: "note.barriers",
  needs: "note.needs",
  review: "note.review",
  follow_up: "note.followup",
  place_text: "note.place",
  place_id: "note.place",
  place_kind: "note.placeKind",
  participants: "note.participants",
  occurred_at: "note.when",
  duration_minutes: "note.duration",
  shadowing: "shadow.title",
  stories: "workshop.stories",
  issues_raised: "workshop.issues",
  leaders: "workshop.leaders",
  comments: "comments.title",
  group_open: "note.group",
  // persons
  pseudonym: "history.field.pseudonym",
  identity: "history.field.identity",
  languages: "history.field.languages",
  age_group: "history.field.age_group",
  sector: "history.field.sector",
  consents: "person.consents",
  notes: "history.field.notes",
  referrals: "person.referrals",
  disclosures: "person.disclosures",
  rewritten_from: "history.field.rewritten",
  // the register of confidentiality incidents
  information: "incident.information",
  information_unknown_reason: "incident.information.unknown",
  circumstances: "incident.circumstances",
  occurred_from: "incident.occurred",
  occurred_to: "incident.occurredTo",
  occurred_approximate: "incident.approximate",
  aware_on: "incident.aware",
  persons_concerned: "incident.persons",
  persons_estimated: "incident.estimated",
  sensitivity: "incident.sensitivity",
  misuse: "incident.misuse",
  consequences: "incident.consequences",
  likelihood: "incident.likelihood",
  serious_risk: "incident.serious",
  commission_notified_on: "incident.commission",
  persons_notified_on: "incident.notified",
  public_notice: "incident.public",
  measures: "incident.measures",
  device: "incident.device",
  // the team, places, the directory
  name: "history.field.name",
  name_fr: "history.field.name",
  name_en: "history.field.name",
  description_fr: "history.field.description",
  description_en: "history.field.description",
  codebook: "history.field.codebook",
  members: "history.field.members",
  services: "history.field.services",
  retention: "retention.title",
  website: "history.field.contact",
  phones: "history.field.contact",
  email: "history.field.contact",
  locations: "history.field.locations",
  last_verified: "history.field.verified",
  verified_by: "history.field.verified",
  retired: "history.field.retired",
  external_id: "history.field.imported",
};

// What changed inside a referral, by the field after `referrals.`.
const inReferral: Record<string, MessageKey> = {
  status: "history.field.referral.status",
  history: "history.field.referral.status",
  follow_ups: "history.field.referral.follow_ups",
  outcome: "history.field.referral.outcome",
  result: "history.field.referral.outcome",
  share_identity: "referral.shared",
  service_id: "history.field.services",
  resource_id: "history.field.services",
};

/** The label of a changed field's path, in `lang`. */
export function fieldLabel(lang: Lang, path: string): string {
  const [first, second] = path.split(".");
  // A referral held by its person ("referrals.status") or a record of its
  // own ("referral.status").
  const inside = (first === "referrals" || first === "referral") && second ? inReferral[second] : undefined;
  const key = inside || top[first] || "history.field.other";
  return translate(lang, key);
}

/** One line of a record's history, in `lang`. */
export function historyLine(lang: Lang, item: HistoryItem, kind: RecordKind): string {
  const who = item.author_name ?? translate(lang, "history.someone");
  if (item.created) {
    const key: MessageKey =
      kind === "note" ? "history.created" : kind === "person" ? "history.created.person" : "history.created.record";
    return translate(lang, key, { who });
  }
  const fields = [...new Set(item.fields.map((f) => fieldLabel(lang, f)))];
  return translate(lang, "history.changed", { who, fields: fields.join(", ") });
}
