import { describe, expect, it } from "vitest";
import type { ReferralStatus, ReferralSummary } from "../bindings/carnet";
import { boardColumns, dueBy } from "./board";

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
