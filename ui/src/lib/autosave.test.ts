import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, type SaveStatus } from "./autosave";

describe("Autosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves once typing pauses, the latest value only, and says saved after the save returns", async () => {
    const saves: string[] = [];
    let release: () => void = () => {};
    const statuses: SaveStatus[] = [];
    const a = new Autosaver<string>(
      (v) => {
        saves.push(v);
        return new Promise((r) => (release = r));
      },
      (s) => statuses.push(s),
      400,
    );
    a.change("b");
    a.change("bo");
    a.change("bon");
    await vi.advanceTimersByTimeAsync(399);
    expect(saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toEqual(["bon"]);
    expect(a.status).toBe("saving");
    release();
    await vi.runAllTimersAsync();
    expect(a.status).toBe("saved");
    expect(statuses.at(-1)).toBe("saved");
    expect(a.dirty).toBe(false);
  });

  it("never runs two saves at once and does not say saved while a newer value waits", async () => {
    let running = 0;
    let most = 0;
    const saves: string[] = [];
    const a = new Autosaver<string>(async (v) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1000));
      saves.push(v);
      running--;
    }, undefined, 100);
    a.change("one");
    await vi.advanceTimersByTimeAsync(150); // first save started
    a.change("two");
    await vi.advanceTimersByTimeAsync(150); // second is queued behind the first
    expect(a.status).not.toBe("saved");
    await vi.runAllTimersAsync();
    expect(saves).toEqual(["one", "two"]);
    expect(most).toBe(1);
    expect(a.status).toBe("saved");
  });

  it("keeps a failed value and retries it on flush", async () => {
    let fail = true;
    const saves: string[] = [];
    const a = new Autosaver<string>(async (v) => {
      if (fail) throw { kind: "storage", message: "disk full" };
      saves.push(v);
    }, undefined, 100);
    a.change("texte");
    await vi.runAllTimersAsync();
    expect(a.status).toBe("error");
    expect(a.dirty).toBe(true);
    fail = false;
    await a.flush();
    expect(saves).toEqual(["texte"]);
    expect(a.status).toBe("saved");
  });

  it("flush saves at once without waiting for the pause", async () => {
    const saves: string[] = [];
    const a = new Autosaver<string>(async (v) => void saves.push(v), undefined, 10_000);
    a.change("vite");
    await a.flush();
    expect(saves).toEqual(["vite"]);
  });
});
