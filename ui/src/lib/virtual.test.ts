import { describe, expect, it } from "vitest";
import { PageCache, pagesFor, visibleRange } from "./virtual";

describe("visibleRange", () => {
  it("renders only the rows in view plus a margin", () => {
    expect(visibleRange(0, 780, 78, 100_000, 5)).toEqual({ start: 0, end: 16 });
    const r = visibleRange(78 * 50_000, 780, 78, 100_000, 5);
    expect(r).toEqual({ start: 49_995, end: 50_016 });
  });
  it("stays inside the list", () => {
    expect(visibleRange(78 * 99_999, 780, 78, 100_000, 5).end).toBe(100_000);
    expect(visibleRange(0, 780, 78, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(-50, 780, 78, 3)).toEqual({ start: 0, end: 3 });
  });
});

describe("PageCache", () => {
  it("fetches each page once and only the pages in view", async () => {
    const calls: number[] = [];
    const cache = new PageCache<number>(async (offset, limit) => {
      calls.push(offset);
      return Array.from({ length: limit }, (_, i) => offset + i);
    }, 100);
    expect(pagesFor({ start: 150, end: 260 }, 100)).toEqual([1, 2]);
    await Promise.all([cache.ensure({ start: 150, end: 260 }), cache.ensure({ start: 199, end: 201 })]);
    expect(calls.sort((a, b) => a - b)).toEqual([100, 200]);
    expect(cache.get(150)).toBe(150);
    expect(cache.get(0)).toBeUndefined();
  });
  it("retries a page whose fetch failed", async () => {
    let fail = true;
    const cache = new PageCache<number>(async (offset) => {
      if (fail) throw new Error("busy");
      return [offset];
    }, 10);
    await expect(cache.ensure({ start: 0, end: 1 })).rejects.toThrow("busy");
    fail = false;
    await cache.ensure({ start: 0, end: 1 });
    expect(cache.get(0)).toBe(0);
  });
  it("drops pages from before a reset", async () => {
    let gen = 0;
    const cache = new PageCache<number>(async () => [gen], 10);
    const old = cache.ensure({ start: 0, end: 1 });
    cache.reset();
    gen = 1;
    await old;
    expect(cache.get(0)).toBeUndefined();
    await cache.ensure({ start: 0, end: 1 });
    expect(cache.get(0)).toBe(1);
  });
});
