import { describe, expect, it } from "vitest";
import type { ReferralStatus, ReferralSummary } from "../bindings/carnet";
import { boardColumns, daysLate, dueBy, filterReferrals, followUps, noFilter, services, type BoardFilter } from "./board";

// The open statuses as the shell's vocabularies send them.
const open: ReferralStatus[] = ["draft", "proposed", "requested", "accepted", "in-progress", "on-hold"];

const r = (id: string, status: ReferralStatus, next: string | null = null): ReferralSummary => ({
  id,
  person: "p",
  pseudonym: "MN-1",
  service: "Banque alimentaire",
  need: "food-insecurity",
  status,
  made_at: "2026-11-20T10:00:00Z",
  next_follow_up: next,
  made_by: null,
  resource_id: null,
  service_id: null,
  outcome: null,
  result: null,
});

describe("referral board", () => {
  it("puts open referrals in status columns, in order, and closed ones apart", () => {
    const b = boardColumns([r("1", "accepted"), r("2", "completed"), r("3", "proposed"), r("4", "declined")], open);
    expect(b.open.map((c) => c.status)).toEqual(["proposed", "requested", "accepted", "in-progress", "on-hold"]);
    expect(b.open.find((c) => c.status === "accepted")?.items.map((x) => x.id)).toEqual(["1"]);
    expect(b.closed.map((x) => x.id)).toEqual(["2", "4"]);
  });
  it("shows a drafts column only when there are drafts", () => {
    expect(boardColumns([r("1", "draft")], open).open[0].status).toBe("draft");
  });
  it("lists follow-ups due by the day, soonest first, open referrals only", () => {
    const due = dueBy(
      [r("a", "accepted", "2026-11-28"), r("b", "in-progress", "2026-11-24"), r("c", "accepted", "2026-12-05"), r("d", "completed", "2026-11-24"), r("e", "accepted")],
      open,
      "2026-11-29",
    );
    expect(due.map((x) => x.id)).toEqual(["b", "a"]);
  });
});

describe("follow-ups and filters", () => {
  const x = (id: string, next: string | null, over: Partial<ReferralSummary> = {}) => ({ ...r(id, "accepted", next), ...over });

  it("puts overdue follow-ups apart, oldest first, then this week's", () => {
    const f = followUps(
      [x("late", "2025-12-01"), x("today", "2026-11-25"), x("later", "2026-11-29"), x("yesterday", "2026-11-24"), x("next-week", "2026-12-02")],
      open,
      "2026-11-25",
      "2026-11-29",
    );
    expect(f.overdue.map((y) => y.id)).toEqual(["late", "yesterday"]);
    expect(f.thisWeek.map((y) => y.id)).toEqual(["today", "later"]);
    expect(daysLate("2025-12-01", "2026-11-25")).toBe(359);
  });

  it("filters by worker, service and need together", () => {
    const all = [
      x("1", null, { made_by: "aline", service: "Banque alimentaire" }),
      x("2", null, { made_by: "jean", service: "Banque alimentaire" }),
      x("3", null, { made_by: "aline", service: "Clinique", need: "health-literacy" }),
    ];
    const ids = (f: Partial<BoardFilter>) => filterReferrals(all, { ...noFilter(), ...f }).map((y) => y.id);
    expect(ids({})).toEqual(["1", "2", "3"]);
    expect(ids({ worker: "aline" })).toEqual(["1", "3"]);
    expect(ids({ worker: "aline", service: "Banque alimentaire" })).toEqual(["1"]);
    expect(ids({ need: "health-literacy" })).toEqual(["3"]);
    expect(services(all, "fr")).toEqual(["Banque alimentaire", "Clinique"]);
  });
});
