// Scheduled backups: while the notebook is open, every few minutes the
// window asks whether the person's interval has passed since the last
// backup, and makes one in the background (errors go to the banner).

import * as api from "../bindings/carnet";
import type { Preferences } from "../bindings/carnet";
import { app, showError } from "./app.svelte";

const DAY_MS = 86_400_000;
const CHECK_MS = 10 * 60_000;

/** Whether a scheduled backup is due at `now`. */
export function backupDue(now: number, prefs: Preferences): boolean {
  const days = prefs.backup_every_days ?? 0;
  if (days <= 0) return false;
  return now - (prefs.last_backup_at ?? 0) >= days * DAY_MS;
}

let running = false;

async function check(): Promise<void> {
  const info = app.info;
  if (running || !info?.has_notebook || !backupDue(Date.now(), info.preferences)) return;
  running = true;
  try {
    const done = await api.backupNow();
    if (app.info) app.info.preferences.last_backup_at = done.info.made_at;
  } catch (e) {
    showError(e);
  } finally {
    running = false;
  }
}

/** Start checking (now and every ten minutes); returns the stop. */
export function watchBackups(): () => void {
  const first = setTimeout(() => void check(), 30_000);
  const timer = setInterval(() => void check(), CHECK_MS);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
