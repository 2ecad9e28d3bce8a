// The shadowing timer as the note holds it (`ShadowTimer`: the periods it
// ran and when it was finished), read for the screen: its state, the time
// run so far, and where each log entry was seen.

import type { ShadowEntry, ShadowTimer } from "../bindings/carnet";

export type TimerState = "idle" | "running" | "paused" | "finished";

export function timerState(timer: ShadowTimer): TimerState {
  const last = timer.spans[timer.spans.length - 1];
  if (!last) return "idle";
  if (last.end === null) return "running";
  return timer.finished_at !== null ? "finished" : "paused";
}

/** Milliseconds the timer ran, counting an open period up to `now`. */
export function elapsedMs(timer: ShadowTimer, now: number): number {
  let total = 0;
  for (const s of timer.spans) {
    const start = Date.parse(s.start);
    const end = s.end === null ? now : Date.parse(s.end);
    total += Math.max(0, end - start);
  }
  return total;
}

/**
 * The place to show beside each entry: its place when it differs from the
 * one before (the person moved), else null; the first entry with a place
 * always shows it.
 */
export function placeChanges(entries: readonly ShadowEntry[]): (string | null)[] {
  let current: string | null = null;
  return entries.map((e) => {
    const place = e.place?.trim() || null;
    if (place === null || place === current) return null;
    current = place;
    return place;
  });
}

/** Where the next entry is seen, until the worker says otherwise: the last place named. */
export function currentPlace(entries: readonly ShadowEntry[], notePlace: string): string {
  for (let i = entries.length - 1; i >= 0; i--) {
    const p = entries[i].place?.trim();
    if (p) return p;
  }
  return notePlace;
}
