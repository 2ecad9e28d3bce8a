// Locking: after a time without use (the person's preference, 10 minutes
// unless set), when the laptop wakes from sleep (timers stop while it
// sleeps, so a tick arriving long after the previous one means it slept),
// or at the person's request. What was typed is saved first; then the
// shell closes the notebook, its key leaves memory, and the window shows
// only the unlock screen.

import * as api from "../bindings/carnet";
import { app, showError } from "./app.svelte";
import { flushAll } from "./autosave";

/** The shortest passphrase a person may choose (as the shell checks). */
export const MIN_PASSPHRASE = 8;

/** What is wrong with a new passphrase typed twice, if anything. */
export function newPassphraseProblem(passphrase: string, again: string): "first.passphrase.short" | "first.passphrase.mismatch" | null {
  if ([...passphrase].length < MIN_PASSPHRASE) return "first.passphrase.short";
  if (passphrase !== again) return "first.passphrase.mismatch";
  return null;
}

/** Minutes without use before locking, when the person has not chosen. */
export const DEFAULT_LOCK_MINUTES = 10;
/** How often the window checks. */
const TICK_MS = 15_000;
/** A tick this late means the computer slept in between. */
const SLEPT_MS = 2 * 60_000;

let lastActive = Date.now();
let lastTick = Date.now();
let locking = false;

/** The person did something. */
export function touched(): void {
  lastActive = Date.now();
}

/** Minutes without use before locking (0: never). */
export function lockMinutes(): number {
  return app.info?.preferences.lock_after_minutes ?? DEFAULT_LOCK_MINUTES;
}

/** Save what was typed, then lock. */
export async function lockNow(): Promise<void> {
  if (locking || !app.info?.has_notebook) return;
  locking = true;
  try {
    await flushAll();
    const info = await api.lock();
    // Nothing of the team stays in the window either.
    app.workspace = null;
    app.places = [];
    app.passageFocus = null;
    app.counts = { conflicted: 0, unseen: 0, mentions: 0, to_review: 0 };
    app.info = info;
  } catch (e) {
    showError(e);
  } finally {
    locking = false;
  }
}

/** Whether, at `now`, the window should lock (exported for tests). */
export function due(now: number, last: { active: number; tick: number }, minutes: number): boolean {
  if (now - last.tick > SLEPT_MS) return true;
  return minutes > 0 && now - last.active >= minutes * 60_000;
}

/** Start watching for a time without use; returns the stop. */
export function watchIdle(): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    const lock = app.info?.has_notebook && due(now, { active: lastActive, tick: lastTick }, lockMinutes());
    lastTick = now;
    if (lock) void lockNow();
  }, TICK_MS);
  return () => clearInterval(timer);
}

/** After unlocking, the time without use starts again. */
export function unlocked(): void {
  lastActive = Date.now();
  lastTick = Date.now();
}
