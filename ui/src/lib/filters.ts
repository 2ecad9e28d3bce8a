// The journal's filter form (what the selects and date fields hold) and
// its translation into the shell's `NoteFilter`.

import type { Barrier, Method, NeedCategory, NoteFilter, ReviewStatus } from "../bindings/carnet";

export type FilterForm = {
  method: Method | "";
  theme: string;
  /** A place record id, `text:` and a place as typed in notes, or empty. */
  place: string;
  author: string;
  sector: string;
  barrier: Barrier | "";
  need: NeedCategory | "";
  /** `YYYY-MM-DD`, inclusive. */
  from: string;
  /** `YYYY-MM-DD`, inclusive. */
  to: string;
  review: ReviewStatus | "";
  dueThisWeek: boolean;
};

export function emptyForm(): FilterForm {
  return { method: "", theme: "", place: "", author: "", sector: "", barrier: "", need: "", from: "", to: "", review: "", dueThisWeek: false };
}

export function isEmptyForm(f: FilterForm): boolean {
  const e = emptyForm();
  return (Object.keys(e) as (keyof FilterForm)[]).every((k) => f[k] === e[k]);
}

/** `YYYY-MM-DD` of a local date. */
export function isoDay(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The Sunday ending the week (Monday to Sunday) that contains `today`. */
export function endOfWeek(today: Date): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const dow = (d.getDay() + 6) % 7; // Monday = 0
  d.setDate(d.getDate() + (6 - dow));
  return isoDay(d);
}

/** Local midnight of a `YYYY-MM-DD` day plus `plusDays`, as RFC 3339. */
/** The moment a day (`AAAA-MM-JJ`) starts here, `plusDays` later (ISO). */
export function startOfDay(day: string, plusDays = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The prefix of a place filter that is a place as typed, not a place record. */
export const TYPED = "text:";

/** The shell's filter for a form, `today` deciding "this week". */
export function toNoteFilter(f: FilterForm, today: Date): NoteFilter {
  return {
    method: f.method || null,
    theme: f.theme || null,
    place_id: f.place && !f.place.startsWith(TYPED) ? f.place : null,
    place_text: f.place.startsWith(TYPED) ? f.place.slice(TYPED.length) : null,
    author: f.author || null,
    sector: f.sector || null,
    barrier: f.barrier || null,
    need: f.need || null,
    from: f.from ? startOfDay(f.from) : null,
    // Inclusive: everything before the next day's midnight.
    to: f.to ? startOfDay(f.to, 1) : null,
    review: f.review || null,
    follow_up_due_by: f.dueThisWeek ? endOfWeek(today) : null,
  };
}
