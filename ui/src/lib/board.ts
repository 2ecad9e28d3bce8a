// The referral board: the follow-ups to do (overdue apart and first, then
// the rest of this week's), open referrals in columns by status (in the
// order a referral moves through them), closed ones apart, and the
// filters by worker, service and need. Which statuses are open comes from
// the core's vocabulary (`Vocabularies.open_referral_statuses`), in its
// order.

import type { NeedCategory, ReferralStatus, ReferralSummary } from "../bindings/carnet";
import { compareText } from "./collate";

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

export type FollowUps = {
  /** Due before `today`, oldest first. */
  overdue: ReferralSummary[];
  /** Due from `today` to the end of the week, soonest first. */
  thisWeek: ReferralSummary[];
};

/** The follow-ups to do: overdue ones apart, then this week's. */
export function followUps(
  referrals: readonly ReferralSummary[],
  open: readonly ReferralStatus[],
  today: string,
  weekEnd: string,
): FollowUps {
  const due = dueBy(referrals, open, weekEnd);
  return {
    overdue: due.filter((r) => (r.next_follow_up ?? "") < today),
    thisWeek: due.filter((r) => (r.next_follow_up ?? "") >= today),
  };
}

/** Whole days from `day` to `today` (both `YYYY-MM-DD`). */
export function daysLate(day: string, today: string): number {
  const at = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((at(today) - at(day)) / 86_400_000);
}

export type BoardFilter = {
  /** A member id, or empty for everyone. */
  worker: string;
  /** A service as referrals name it, or empty. */
  service: string;
  need: NeedCategory | "";
};

export function noFilter(): BoardFilter {
  return { worker: "", service: "", need: "" };
}

export function filterReferrals(referrals: readonly ReferralSummary[], f: BoardFilter): ReferralSummary[] {
  return referrals.filter(
    (r) =>
      (!f.worker || r.made_by === f.worker) &&
      (!f.service || r.service === f.service) &&
      (!f.need || r.need === f.need),
  );
}

/** The services referrals are addressed to, each once, in the language's order. */
export function services(referrals: readonly ReferralSummary[], lang: "fr" | "en"): string[] {
  return [...new Set(referrals.map((r) => r.service))].sort((a, b) => compareText(lang, a, b));
}
