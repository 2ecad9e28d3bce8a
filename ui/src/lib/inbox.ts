// The review inbox in the person's language: a sentence for what each
// member did to a record since I last looked, the colour that marks each
// member's words, and the label of a changed text or field.

import type { FieldChange, MemberChanges, RecordKind, Vocabularies, Workspace } from "../bindings/carnet";
import { conflictValue } from "./conflicts";
import { fieldLabel } from "./history";
import { termLabel, translate, type Lang } from "./i18n";
import type { MessageKey } from "./messages";

/** Items of a sentence joined as the language does: "a, b et c", "a, b and c". */
export function joinList(lang: Lang, items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${translate(lang, "inbox.and")} ${items[items.length - 1]}`;
}

const created: Record<RecordKind, MessageKey> = {
  note: "inbox.created.note",
  person: "inbox.created.person",
  resource: "inbox.created.record",
  place: "inbox.created.record",
  workspace: "inbox.created.record",
  incident: "inbox.created.record",
  referral: "inbox.created.referral",
};

/**
 * What `m` did, as one sentence: "Jean a ajouté 3 mots et un commentaire, a
 * passé une référence à « Acceptée » et a modifié : Titre".
 */
export function memberSentence(
  lang: Lang,
  m: MemberChanges,
  who: string,
  kind: RecordKind,
  vocab: Vocabularies | null | undefined,
  workspace?: Workspace | null,
): string {
  const themeLabel = (code: string) => {
    const th = workspace?.codebook.find((x) => x.code === code);
    return th ? (lang === "fr" ? th.label_fr : th.label_en) : code;
  };
  if (m.created) return translate(lang, created[kind], { who });
  const parts: string[] = [];
  if (m.words_added > 0) parts.push(translate(lang, "inbox.words", { count: m.words_added }));
  if (m.comments_added > 0) parts.push(translate(lang, "inbox.comments", { count: m.comments_added }));
  if (m.text_removed) parts.push(translate(lang, "inbox.removed"));
  if (m.codings_added > 0) {
    const themes = (m.themes_coded ?? []).map((c) => (lang === "fr" ? `«\u00a0${themeLabel(c)}\u00a0»` : `“${themeLabel(c)}”`));
    parts.push(translate(lang, "inbox.coded", { count: m.codings_added, themes: joinList(lang, themes) }));
  }
  for (const s of m.statuses) {
    parts.push(translate(lang, "inbox.status", { status: vocab ? termLabel(lang, vocab.referral_statuses, s) : s }));
  }
  // Fields the parts above do not already say.
  const said = new Set(["comments", ...(m.statuses.length ? ["referrals.status", "referrals.history"] : []), ...(m.codings_added ? ["codings"] : [])]);
  if (m.words_added > 0 || m.text_removed) for (const f of ["body", "notes", "shadowing", "stories"]) said.add(f);
  const fields = [...new Set(m.fields.filter((f) => !said.has(f)).map((f) => fieldLabel(lang, f)))];
  if (fields.length > 0) parts.push(translate(lang, "inbox.fields", { fields: fields.join(", ") }));
  if (parts.length === 0) parts.push(translate(lang, "inbox.touched"));
  return `${who} ${joinList(lang, parts)}`;
}

// Light backgrounds under dark text (each above 12:1 with #1a1a1a), one
// per member in the order of the team's list, so a member keeps a colour.
export const PALETTE = ["#ffe8a3", "#cfe6ff", "#d4f4d9", "#fbd3e6", "#e6dcfb", "#ffdcc6", "#cdf1ef", "#ece3c8"];

/** The colour marking a member's words. */
export function memberColour(workspace: Workspace | null | undefined, member: string | null | undefined): string {
  const i = workspace?.members.findIndex((m) => m.id === member) ?? -1;
  return i < 0 ? "#e5e5e5" : PALETTE[i % PALETTE.length];
}

/** The label of a changed text's path ("body", "comments.2.text", "shadowing.0.text"). */
export function textLabel(lang: Lang, path: string): string {
  const first = path.split(".")[0];
  if (first === "comments") return translate(lang, "inbox.text.comment");
  if (first === "shadowing") return translate(lang, "inbox.text.shadowing");
  if (first === "stories") return translate(lang, "inbox.text.story");
  return fieldLabel(lang, first);
}

/** A changed field, labelled, with its values as the person reads them. */
export function fieldLine(
  lang: Lang,
  f: FieldChange,
  vocab: Vocabularies | null | undefined,
  workspace: Workspace | null | undefined,
): { label: string; before: string; after: string } {
  const base = fieldLabel(lang, f.path);
  const label = f.context ? translate(lang, "conflicts.referral", { field: base, service: f.context }) : base;
  const show = (v: string): string => {
    if (v === "") return translate(lang, "inbox.value.none");
    if (f.path === "themes") {
      return v
        .split(", ")
        .map((code) => {
          const th = workspace?.codebook.find((x) => x.code === code);
          return th ? (lang === "en" ? th.label_en : th.label_fr) : code;
        })
        .join(", ");
    }
    if (vocab && (f.path === "barriers" || f.path === "needs")) {
      const list = f.path === "barriers" ? vocab.barriers : vocab.needs;
      return v
        .split(", ")
        .map((code) => termLabel(lang, list, code))
        .join(", ");
    }
    return conflictValue(lang, vocab, f.path === "referrals.status" ? "referrals.0.status" : f.path, v);
  };
  return { label, before: show(f.before), after: show(f.after) };
}
