import { describe, expect, it } from "vitest";
import type { Preferences } from "../bindings/carnet";
import { backupDue } from "./schedule.svelte";

const prefs = (every: number | null, last: number | null): Preferences => ({
  language: null,
  last_screen: null,
  lock_after_minutes: null,
  backup_folder: null,
  backup_keep: null,
  backup_every_days: every,
  last_backup_at: last,
});

describe("scheduled backups", () => {
  const day = 86_400_000;
  it("are never due when the person backs up only by hand", () => {
    expect(backupDue(100 * day, prefs(null, null))).toBe(false);
    expect(backupDue(100 * day, prefs(0, 0))).toBe(false);
  });
  it("are due once the interval has passed since the last one, or at once if there was none", () => {
    expect(backupDue(10 * day, prefs(1, null))).toBe(true);
    expect(backupDue(10 * day, prefs(7, 4 * day))).toBe(false);
    expect(backupDue(11 * day, prefs(7, 4 * day))).toBe(true);
  });
});
