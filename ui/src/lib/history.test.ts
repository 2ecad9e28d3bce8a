import { describe, expect, it } from "vitest";
import type { HistoryItem } from "../bindings/carnet";
import { fieldLabel, historyLine } from "./history";

const item = (fields: string[], created = false, author_name: string | null = "Mélanie"): HistoryItem => ({
  author_name,
  hash: "00",
  author: null,
  at: "2026-11-20T10:00:00Z",
  created,
  fields,
});

describe("history in the person's language", () => {
  it("names a person's creation and changes in French and English, never an internal path", () => {
    expect(historyLine("fr", item([], true), "person")).toBe("Mélanie a créé la fiche");
    expect(historyLine("en", item([], true), "person")).toBe("Mélanie created the record");
    const changed = item(["consents.recorded_by", "referrals.history.status", "referrals.follow_ups.due"]);
    const fr = historyLine("fr", changed, "person");
    expect(fr).toBe("Mélanie a modifié\u00a0: Consentements, Statut d'une référence, Suivi d'une référence");
    const en = historyLine("en", changed, "person");
    expect(en).toBe("Mélanie changed: Consents, A referral's status, A referral's follow-up");
    for (const line of [fr, en]) expect(line).not.toMatch(/[a-z]+[._][a-z]+/);
  });
  it("names a note's fields, once each, and someone when the author is unknown", () => {
    expect(historyLine("fr", item(["title", "body", "body"], false, null), "note")).toBe("Quelqu'un a modifié\u00a0: Titre, Observation");
    expect(historyLine("en", item([], true), "note")).toBe("Mélanie created the note");
  });
  it("gives every field of every kind a label, and a general one for a field it does not know", () => {
    const paths = [
      "title", "body", "method", "themes", "barriers", "needs", "review", "follow_up.due", "place_text", "place_id",
      "place_kind", "participants.count", "occurred_at", "duration_minutes", "shadowing.text", "stories.text",
      "issues_raised", "leaders", "comments.text", "group_open", "pseudonym", "identity.phone", "languages",
      "age_group", "sector", "consents.given", "notes", "referrals.status", "referrals.outcome", "referrals.service",
      "referrals.share_identity", "disclosures.at", "rewritten_from.record", "retention.inactive_person_months",
      "information", "information_unknown_reason", "circumstances", "occurred_from", "occurred_to",
      "occurred_approximate", "aware_on", "persons_concerned", "persons_estimated", "sensitivity", "misuse",
      "consequences", "likelihood", "serious_risk", "commission_notified_on", "persons_notified_on", "public_notice",
      "measures", "device", "website", "phones", "email", "locations.sector", "last_verified", "verified_by",
      "retired", "external_id", "services.retired", "referrals.result", "referrals.service_id",
      "referral.status", "referral.follow_ups.due", "referral.outcome",
    ];
    for (const lang of ["fr", "en"] as const) {
      for (const p of paths) {
        const label = fieldLabel(lang, p);
        expect(label, `${lang} ${p}`).not.toContain("_");
        expect(label, `${lang} ${p}`).not.toContain(".");
        expect(label, `${lang} ${p}`).not.toBe(fieldLabel(lang, "a-field-of-tomorrow"));
      }
    }
    expect(fieldLabel("fr", "a-field-of-tomorrow")).toBe("Autres informations");
  });
});
