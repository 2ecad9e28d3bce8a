// The referral board: open referrals in columns by status (in the order
// a referral moves through them), closed ones apart, and the follow-ups
// due by a day.

import type { ReferralSummary } from "../bindings/carnet";

export const OPEN = ["draft", "proposed", "requested", "accepted", "in-progress", "on-hold"] as const;

export type Board = {
  open: { status: string; items: ReferralSummary[] }[];
  closed: ReferralSummary[];
};

export function boardColumns(referrals: readonly ReferralSummary[]): Board {
  const open = OPEN.map((status) => ({ status: status as string, items: [] as ReferralSummary[] }));
  const closed: ReferralSummary[] = [];
  for (const r of referrals) {
    const col = open.find((c) => c.status === r.status);
    if (col) col.items.push(r);
    else closed.push(r);
  }
  // Drafts only when there are some.
  return { open: open.filter((c) => c.status !== "draft" || c.items.length > 0), closed };
}

/** Open referrals with a follow-up due on or before `day` (`YYYY-MM-DD`), soonest first. */
export function dueBy(referrals: readonly ReferralSummary[], day: string): ReferralSummary[] {
  return referrals
    .filter((r) => (OPEN as readonly string[]).includes(r.status) && r.next_follow_up !== null && r.next_follow_up <= day)
    .sort((a, b) => (a.next_follow_up ?? "").localeCompare(b.next_follow_up ?? ""));
}
