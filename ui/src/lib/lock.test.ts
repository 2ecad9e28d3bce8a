import { describe, expect, it } from "vitest";
import { due } from "./lock.svelte";

describe("locking after a time without use", () => {
  const minute = 60_000;
  it("locks once the chosen minutes have passed without use", () => {
    const t0 = 1_000_000;
    expect(due(t0 + 9 * minute, { active: t0, tick: t0 + 9 * minute - 15_000 }, 10)).toBe(false);
    expect(due(t0 + 10 * minute, { active: t0, tick: t0 + 10 * minute - 15_000 }, 10)).toBe(true);
  });
  it("never locks for idleness when the person chose never, but still on waking", () => {
    const t0 = 1_000_000;
    expect(due(t0 + 600 * minute, { active: t0, tick: t0 + 600 * minute - 15_000 }, 0)).toBe(false);
    expect(due(t0 + 600 * minute, { active: t0, tick: t0 }, 0)).toBe(true);
  });
  it("locks when a tick comes long after the previous one: the laptop slept", () => {
    const t0 = 1_000_000;
    expect(due(t0 + 3 * minute, { active: t0 + 3 * minute - 1000, tick: t0 }, 10)).toBe(true);
  });
});

describe("a new passphrase", () => {
  it("needs eight characters (counted as characters, accents too) and the same twice", async () => {
    const { newPassphraseProblem } = await import("./lock.svelte");
    expect(newPassphraseProblem("court", "court")).toBe("first.passphrase.short");
    expect(newPassphraseProblem("éléphant", "éléphant")).toBe(null);
    expect(newPassphraseProblem("le parc au printemps", "le parc en hiver")).toBe("first.passphrase.mismatch");
  });
});
