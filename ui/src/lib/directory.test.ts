import { describe, expect, it } from "vitest";
import { monthsSince, parseLines, stale } from "./directory";

describe("the directory's form and list", () => {
  it("reads phones one per line or separated by semicolons, each once", () => {
    expect(parseLines("514-555-0101\n 514-555-0102 ; 514-555-0101\n\n")).toEqual(["514-555-0101", "514-555-0102"]);
    expect(parseLines("   ")).toEqual([]);
  });

  it("counts whole months since a verification", () => {
    const today = new Date(2026, 11, 7);
    expect(monthsSince("2026-12-01", today)).toBe(0);
    expect(monthsSince("2026-06-07", today)).toBe(6);
    expect(monthsSince("2026-06-08", today)).toBe(5);
    expect(monthsSince("2024-12-31", today)).toBe(23);
    expect(monthsSince(null, today)).toBeNull();
  });

  it("says an organisation never verified or verified long ago is due", () => {
    const today = new Date(2026, 11, 7);
    expect(stale(null, today, 12)).toBe(true);
    expect(stale("2025-12-07", today, 12)).toBe(true);
    expect(stale("2025-12-08", today, 12)).toBe(false);
  });
});
