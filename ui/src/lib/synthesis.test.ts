import { describe, expect, it } from "vitest";
import type { Synthesis, Vocabularies, Workspace } from "../bindings/carnet";
import { countRows, crossRows, funnelRows, monthLabel, monthRange, monthRows, themeRows, type Labels } from "./synthesis";

const workspace = {
  name: "Pôle",
  default_language: "french",
  codebook: [
    { code: "isolement", label_fr: "Isolement social", label_en: "Social isolation" },
    { code: "logement", label_fr: "Logement", label_en: "Housing" },
  ],
  sectors: [{ code: "ouest", name: "Secteur ouest" }],
  members: [{ id: "m-jean", name: "Jean" }],
} as unknown as Workspace;
const vocab = {
  barriers: [{ code: "cost", fr: "Coût", en: "Cost" }],
  needs: [],
  methods: [{ code: "outreach", fr: "Intervention de proximité", en: "Outreach" }],
  referral_statuses: [
    { code: "accepted", fr: "Acceptée", en: "Accepted" },
    { code: "completed", fr: "Complétée", en: "Completed" },
  ],
} as unknown as Vocabularies;

const data = {
  notes: 3,
  passages: 1,
  themes: [
    { theme: "isolement", notes: 2, passages: 1 },
    { theme: "logement", notes: 1, passages: 0 },
  ],
  themes_by_month: [{ row: "2026-02", column: "logement", count: 1 }],
  barriers_by_method: [{ row: "cost", column: "outreach", count: 2 }],
  barriers_by_sector: [{ row: "cost", column: "ouest", count: 1 }],
  needs_by_method: [],
  needs_by_sector: [],
  theme_pairs: [{ row: "isolement", column: "logement", count: 1 }],
  theme_barriers: [],
  funnel: [
    { key: "accepted", count: 0 },
    { key: "completed", count: 4 },
  ],
  closing: { closed: 4, median_days: 3, p75_days: 5, buckets: [] },
  overdue: { notes: 0, referrals: 0 },
  by_member: [{ key: "m-jean", count: 3 }],
  by_method: [{ key: "outreach", count: 3 }],
  by_place: [{ key: "Café du coin", count: 2 }],
  referral_loop: [],
  unanswered: [],
} as Synthesis;

const fr: Labels = { lang: "fr", vocab, workspace };
const en: Labels = { lang: "en", vocab, workspace };

describe("the synthesis's rows", () => {
  it("name themes, members, methods and statuses in each language and open the journal filtered", () => {
    expect(themeRows(fr, data)[0]).toEqual({ x: "Isolement social", y: "", value: 2, extra: 1, filter: { theme: "isolement" } });
    expect(themeRows(en, data)[1].x).toBe("Housing");
    expect(countRows(fr, data.by_member, "members")[0]).toMatchObject({ x: "Jean", filter: { author: "m-jean" } });
    expect(countRows(en, data.by_method, "methods")[0]).toMatchObject({ x: "Outreach", filter: { method: "outreach" } });
    expect(countRows(en, data.by_place, "places")[0].filter).toEqual({ place: "text:Café du coin" });
    expect(funnelRows(fr, data)).toEqual([{ x: "Complétée", y: "", value: 4 }]);
  });

  it("cross two vocabularies, and show a co-occurrence in both halves", () => {
    expect(crossRows(en, data.barriers_by_method, "barriers", "methods")).toEqual([
      { x: "Outreach", y: "Cost", value: 2, filter: { barrier: "cost", method: "outreach" } },
    ]);
    expect(crossRows(fr, data.barriers_by_sector, "barriers", "sectors")[0].x).toBe("Secteur ouest");
    const pairs = crossRows(en, data.theme_pairs, "themes", "themes", true);
    expect(pairs.map((p) => `${p.y}/${p.x}`)).toEqual(["Social isolation/Housing", "Housing/Social isolation"]);
  });

  it("turn months into periods and labels", () => {
    expect(monthRange("2026-02")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(monthRange("2028-02").to).toBe("2028-02-29");
    expect(monthRows(en, data)[0].filter).toEqual({ theme: "logement", from: "2026-02-01", to: "2026-02-28" });
    expect(monthLabel("en", "2026-11")).toMatch(/Nov/);
    expect(monthLabel("fr", "2026-11")).toMatch(/nov/);
  });
});
