// The referral board: open referrals in columns by status (in the order
// a referral moves through them), closed ones apart, and the follow-ups
// due by a day. Which statuses are open comes from the core's vocabulary
// (`Vocabularies.open_referral_statuses`), in its order.

import type { ReferralStatus, ReferralSummary } from "../bindings/carnet";

export type Board = {
  open: { status: ReferralStatus; items: ReferralSummary[] }[];
  closed: ReferralSummary[];
};

export function boardColumns(referrals: readonly ReferralSummary[], open: readonly ReferralStatus[]): Board {
  const columns = open.map((status) => ({ status, items: [] as ReferralSummary[] }));
  const closed: ReferralSummary[] = [];
  for (const r of referrals) {
    const col = columns.find((c) => c.status === r.status);
    if (col) col.items.push(r);
    else closed.push(r);
  }
  // Drafts only when there are some.
  return { open: columns.filter((c) => c.status !== "draft" || c.items.length > 0), closed };
}

/** Open referrals with a follow-up due on or before `day` (`YYYY-MM-DD`), soonest first. */
export function dueBy(referrals: readonly ReferralSummary[], open: readonly ReferralStatus[], day: string): ReferralSummary[] {
  return referrals
    .filter((r) => open.includes(r.status) && r.next_follow_up !== null && r.next_follow_up <= day)
    .sort((a, b) => (a.next_follow_up ?? "").localeCompare(b.next_follow_up ?? ""));
}
