import { describe, expect, it } from "vitest";
import { formatBytes, joinProgress, syncLabel } from "./sync";

describe("sync indicator", () => {
  it("says synced at the local time", () => {
    const at = new Date(2026, 10, 23, 14, 5).getTime();
    expect(syncLabel("fr", { state: "synced", at })).toMatch(/^Synchronisé à 14 h 05$/);
    expect(syncLabel("en", { state: "synced", at })).toMatch(/^Synced at 2:05\sp\.m\.$/u);
  });
  it("counts records received while syncing, with plurals", () => {
    expect(syncLabel("fr", { state: "syncing", received: 0, bytes: 0 })).toBe("Synchronisation…");
    expect(syncLabel("fr", { state: "syncing", received: 1, bytes: 10 })).toBe("Synchronisation\u00a0: 1 fiche reçue");
    expect(syncLabel("en", { state: "syncing", received: 1200, bytes: 10 })).toBe("Syncing: 1,200 records received");
  });
  it("never shows the raw reason of an offline or refused state", () => {
    expect(syncLabel("en", { state: "offline", reason: "dns error" })).toBe("Offline: trying again soon");
    expect(syncLabel("fr", { state: "failed", kind: "revoked", message: "revoked" })).toBe("Synchronisation refusée");
    expect(syncLabel("fr", { state: "personal" })).toBe("Carnet personnel (non synchronisé)");
  });
});

describe("the first sync's progress", () => {
  const p = { rounds: 3, received: 1200, bytes_received: 2_500_000, more: true, remaining: 600 };
  it("shows records and bytes received, and what is left, with a bar", () => {
    const fr = joinProgress("fr", p);
    expect(fr.value).toBe(1200);
    expect(fr.max).toBe(1800);
    expect(fr.label).toBe("1\u00a0200 fiches reçues sur 1\u00a0800 (2,4\u00a0Mo), encore 600");
    expect(joinProgress("en", p).label).toBe("1,200 of 1,800 records received (2.4 MB), 600 to go");
  });
  it("counts without a bar when the server does not say what is left", () => {
    const q = joinProgress("en", { ...p, remaining: null, more: true });
    expect(q.max).toBeNull();
    expect(q.label).toBe("1,200 records received (2.4 MB)");
  });
  it("formats sizes", () => {
    expect(formatBytes("en", 900)).toBe("900 B");
    expect(formatBytes("fr", 15_000)).toBe("15\u00a0ko");
    expect(formatBytes("en", 3 * 1024 * 1024 * 1024)).toBe("3.0 GB");
  });
});
