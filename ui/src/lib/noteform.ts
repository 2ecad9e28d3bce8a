// The note form: what the editor's fields hold, built from a saved note,
// turned into the shell's `NoteInput` for a new note, and compared with
// the last saved form to send only what changed (`NotePatch` + body).

import type {
  Barrier,
  Method,
  NeedCategory,
  Note,
  NoteInput,
  NotePatch,
  PlaceKind,
  ReviewStatus,
} from "../bindings/carnet";
import { isoDay } from "./filters";

export type NoteForm = {
  method: Method;
  title: string;
  body: string;
  /** `YYYY-MM-DDTHH:MM`, local time (an `<input type="datetime-local">`). */
  occurredAt: string;
  duration: string;
  place: string;
  placeKind: PlaceKind | "";
  themes: string[];
  barriers: Barrier[];
  needs: NeedCategory[];
  participants: string;
  followNeeded: boolean;
  /** `YYYY-MM-DD` or empty. */
  followDue: string;
  review: ReviewStatus;
  groupOpen: boolean | null;
};

/** Local `YYYY-MM-DDTHH:MM` of an instant. */
export function localDateTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${isoDay(at)}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** RFC 3339 of a local `YYYY-MM-DDTHH:MM`, or null if it is not one. */
export function instantOf(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(local)) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function blankForm(method: Method, now: Date): NoteForm {
  return {
    method,
    title: "",
    body: "",
    occurredAt: localDateTime(now),
    duration: "",
    place: "",
    placeKind: "",
    themes: [],
    barriers: [],
    needs: [],
    participants: "",
    followNeeded: false,
    followDue: "",
    review: "draft",
    groupOpen: null,
  };
}

export function formFromNote(n: Note, placeName: string | null): NoteForm {
  return {
    method: n.method,
    title: n.title,
    body: n.body,
    occurredAt: localDateTime(new Date(n.occurred_at)),
    duration: n.duration_minutes ? String(n.duration_minutes) : "",
    place: n.place_text ?? placeName ?? "",
    placeKind: n.place_kind ?? "",
    themes: [...n.themes],
    barriers: [...n.barriers],
    needs: [...n.needs],
    participants: n.participants.count ? String(n.participants.count) : "",
    followNeeded: n.follow_up.needed,
    followDue: n.follow_up.due ?? "",
    review: n.review,
    groupOpen: n.group_open,
  };
}

/** Whether the form holds enough to create a note. */
export function worthSaving(f: NoteForm): boolean {
  return f.title.trim() !== "" || f.body.trim() !== "";
}

/** A title for a note whose title was left empty: the body's first words, else the date. */
export function fallbackTitle(f: NoteForm, dated: string): string {
  const line = f.body.trim().split("\n")[0]?.trim() ?? "";
  if (!line) return dated;
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

function count(s: string): number | null {
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export function inputFromForm(f: NoteForm, title: string): NoteInput {
  return {
    method: f.method,
    title,
    body: f.body || null,
    occurred_at: instantOf(f.occurredAt),
    duration_minutes: count(f.duration) || null,
    place: f.place.trim() || null,
    place_id: null,
    place_kind: f.placeKind || null,
    themes: f.themes,
    barriers: f.barriers,
    needs: f.needs,
    participants: count(f.participants) || null,
    age_groups: [],
    follow_up_due: f.followNeeded && f.followDue ? f.followDue : null,
    follow_up_what: null,
    review: f.review,
    group_open: f.groupOpen,
  };
}

/** A patch that changes nothing (set the fields to change). */
export function noPatch(): NotePatch {
  return {
    method: null,
    title: null,
    occurred_at: null,
    duration_minutes: null,
    place: null,
    place_kind: null,
    themes: null,
    barriers: null,
    needs: null,
    participants: null,
    follow_up_needed: null,
    follow_up_due: null,
    follow_up_clear_due: false,
    review: null,
    group_open: null,
    persons: null,
  };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** What changed from `saved` to `now`: a patch (null if no field changed) and the new body (null if unchanged). */
export function changes(saved: NoteForm, now: NoteForm): { patch: NotePatch | null; body: string | null } {
  const p = noPatch();
  let any = false;
  const set = <K extends keyof NotePatch>(k: K, v: NotePatch[K]) => {
    p[k] = v;
    any = true;
  };
  if (now.method !== saved.method) set("method", now.method);
  if (now.title.trim() !== saved.title.trim() && now.title.trim() !== "") set("title", now.title);
  if (now.occurredAt !== saved.occurredAt) {
    const at = instantOf(now.occurredAt);
    if (at) set("occurred_at", at);
  }
  if (now.duration !== saved.duration) set("duration_minutes", count(now.duration) ?? 0);
  if (now.place.trim() !== saved.place.trim()) set("place", now.place);
  if (now.placeKind !== saved.placeKind && now.placeKind) set("place_kind", now.placeKind);
  if (!same(now.themes, saved.themes)) set("themes", now.themes);
  if (!same(now.barriers, saved.barriers)) set("barriers", now.barriers);
  if (!same(now.needs, saved.needs)) set("needs", now.needs);
  if (now.participants !== saved.participants) set("participants", count(now.participants) ?? 0);
  if (now.followNeeded !== saved.followNeeded) set("follow_up_needed", now.followNeeded);
  if (now.followDue !== saved.followDue || (now.followNeeded !== saved.followNeeded && now.followDue)) {
    if (now.followDue && now.followNeeded) set("follow_up_due", now.followDue);
    else if (!now.followDue) set("follow_up_clear_due", true);
  }
  if (now.review !== saved.review) set("review", now.review);
  if (now.groupOpen !== saved.groupOpen && now.groupOpen !== null) set("group_open", now.groupOpen);
  return { patch: any ? p : null, body: now.body !== saved.body ? now.body : null };
}

/** Add `code` to a chip list, or take it out. */
export function toggle<T extends string>(list: readonly T[], code: T): T[] {
  return list.includes(code) ? list.filter((c) => c !== code) : [...list, code];
}
