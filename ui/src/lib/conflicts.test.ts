import { describe, expect, it } from "vitest";
import type { Vocabularies } from "../bindings/carnet";
import { conflictLabel, conflictValue } from "./conflicts";

const vocab = {
  referral_statuses: [
    { code: "accepted", fr: "Acceptée", en: "Accepted" },
    { code: "declined", fr: "Refusée", en: "Declined" },
  ],
  review: [{ code: "to-review", fr: "À réviser", en: "To review" }],
  methods: [],
  place_kinds: [{ code: "park", fr: "Parc", en: "Park" }],
  barriers: [],
  needs: [{ code: "food-insecurity", fr: "Insécurité alimentaire", en: "Food insecurity" }],
  age_groups: [],
} as unknown as Vocabularies;

describe("concurrent values named as the screens name them", () => {
  it("names a referral's field by its service, in both languages", () => {
    expect(conflictLabel("fr", "referrals.0.status", "Banque alimentaire")).toBe("Statut de la référence vers Banque alimentaire");
    expect(conflictLabel("en", "referrals.2.status", "Food bank")).toBe("Status of the referral to Food bank");
    expect(conflictLabel("fr", "referrals.1.outcome", "Banque")).toBe("Référence vers Banque — Résultat d'une référence");
    expect(conflictLabel("fr", "referral.status", "Banque")).toBe(conflictLabel("fr", "referrals.0.status", "Banque"));
    expect(conflictLabel("en", "referral.outcome", "Banque")).toBe(conflictLabel("en", "referrals.3.outcome", "Banque"));
  });
  it("names a team's theme by its code, and a field without a list item by itself", () => {
    expect(conflictLabel("fr", "codebook.3.colour", "isolement")).toBe("Thème de la grille de codage — isolement");
    expect(conflictLabel("en", "title", null)).toBe("Title");
    expect(conflictLabel("fr", "name", null)).toBe("Nom");
  });
  it("shows codes as their labels and leaves free text as it is", () => {
    expect(conflictValue("fr", vocab, "referrals.0.status", "accepted")).toBe("Acceptée");
    expect(conflictValue("en", vocab, "referrals.0.status", "declined")).toBe("Declined");
    expect(conflictValue("fr", vocab, "review", "to-review")).toBe("À réviser");
    expect(conflictValue("fr", vocab, "place_kind", "park")).toBe("Parc");
    expect(conflictValue("fr", vocab, "referrals.0.need", "food-insecurity")).toBe("Insécurité alimentaire");
    expect(conflictValue("fr", vocab, "title", "accepted")).toBe("accepted");
    expect(conflictValue("en", vocab, "group_open", "true")).toBe("Yes");
    expect(conflictValue("fr", null, "review", "to-review")).toBe("to-review");
  });
});
