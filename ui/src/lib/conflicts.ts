// Concurrent values named as the screens name them: the field (a
// referral's by its service, a theme's by its code), and each value as a
// label rather than a stored code ("accepted" → "Acceptée").

import type { Vocabularies } from "../bindings/carnet";
import { fieldLabel } from "./history";
import { termLabel, translate, type Lang } from "./i18n";

/** The field of a concurrent value at `path`; `context` names the list item it belongs to. */
export function conflictLabel(lang: Lang, path: string, context: string | null | undefined): string {
  // History's paths leave out list positions; a conflict's has them.
  const field = fieldLabel(lang, path.split(".").filter((p) => !/^\d+$/.test(p)).join("."));
  const [first] = path.split(".");
  if (!context) return field;
  // A referral in its person's record ("referrals.0.status") or its own
  // record's ("referral.status").
  if (/^referrals\.\d+\.status$/.test(path) || path === "referral.status") {
    return translate(lang, "conflicts.referral.status", { service: context });
  }
  if (first === "referrals" || first === "referral") return translate(lang, "conflicts.referral", { field, service: context });
  return translate(lang, "conflicts.item", { field, item: context });
}

// Fields whose values are codes of a vocabulary, by path pattern.
const coded: [RegExp, keyof Vocabularies][] = [
  [/^referrals\.\d+\.status$|^referral\.status$/, "referral_statuses"],
  [/^referrals\.\d+\.need$|^referral\.need$/, "needs"],
  [/^age_group$/, "age_groups"],
  [/^review$/, "review"],
  [/^method$/, "methods"],
  [/^place_kind$/, "place_kinds"],
];

/** A concurrent value as the person reads it. */
export function conflictValue(lang: Lang, vocab: Vocabularies | null | undefined, path: string, value: string): string {
  if (!vocab) return value;
  for (const [pattern, list] of coded) {
    if (pattern.test(path)) {
      const terms = vocab[list];
      return Array.isArray(terms) ? termLabel(lang, terms as { code: string; fr: string; en: string }[], value) : value;
    }
  }
  if (value === "true") return translate(lang, "conflicts.yes");
  if (value === "false") return translate(lang, "conflicts.no");
  return value;
}
