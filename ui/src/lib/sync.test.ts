import { describe, expect, it } from "vitest";
import { syncLabel } from "./sync";

describe("sync indicator", () => {
  it("says synced at the local time", () => {
    const at = new Date(2026, 10, 23, 14, 5).getTime();
    expect(syncLabel("fr", { state: "synced", at })).toMatch(/^Synchronisé à 14 h 05$/);
    expect(syncLabel("en", { state: "synced", at })).toMatch(/^Synced at 2:05\sp\.m\.$/u);
  });
  it("counts records received while syncing, with plurals", () => {
    expect(syncLabel("fr", { state: "syncing", received: 0, bytes: 0 })).toBe("Synchronisation…");
    expect(syncLabel("fr", { state: "syncing", received: 1, bytes: 10 })).toBe("Synchronisation : 1 fiche reçue");
    expect(syncLabel("en", { state: "syncing", received: 1200, bytes: 10 })).toBe("Syncing: 1,200 records received");
  });
  it("never shows the raw reason of an offline or refused state", () => {
    expect(syncLabel("en", { state: "offline", reason: "dns error" })).toBe("Offline: trying again soon");
    expect(syncLabel("fr", { state: "failed", kind: "revoked", message: "revoked" })).toBe("Synchronisation refusée");
    expect(syncLabel("fr", { state: "personal" })).toBe("Carnet personnel (non synchronisé)");
  });
});
