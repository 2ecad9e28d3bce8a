import { describe, expect, it } from "vitest";
import { en, fr } from "./messages";
import { isHelpKey, queueAction, shortcutsFor } from "./shortcuts";

describe("the shortcuts overlay", () => {
  it("lists a screen's own shortcuts first, then the ones that work everywhere", () => {
    const note = shortcutsFor("note", false).map((s) => s.does);
    expect(note[0]).toBe("keys.note.method");
    expect(note).toContain("keys.note.save");
    expect(note).toContain("keys.new");
    expect(shortcutsFor("settings", false).map((s) => s.does)).toEqual(["keys.new", "keys.search", "keys.help", "keys.close"]);
  });

  it("does not offer a new note to an observer", () => {
    expect(shortcutsFor("journal", true).map((s) => s.does)).not.toContain("keys.new");
  });

  it("names every shortcut in both languages", () => {
    for (const screen of ["journal", "capture", "note", "referrals", "persons"] as const) {
      for (const s of shortcutsFor(screen, false)) {
        expect(fr[s.does]).toBeTruthy();
        expect(en[s.does]).toBeTruthy();
      }
    }
  });

  it("opens on ? outside a field, never while typing one", () => {
    const key = (k: string, target: HTMLElement) => {
      const e = new KeyboardEvent("keydown", { key: k });
      Object.defineProperty(e, "target", { value: target });
      return e;
    };
    expect(isHelpKey(key("?", document.body))).toBe(true);
    expect(isHelpKey(key("?", document.createElement("input")))).toBe(false);
    expect(isHelpKey(key("F1", document.createElement("textarea")))).toBe(true);
  });
});

describe("the review queue's keys", () => {
  const key = (k: string, over: Partial<KeyboardEventInit> = {}, target: HTMLElement = document.body) => {
    const e = new KeyboardEvent("keydown", { key: k, ...over });
    Object.defineProperty(e, "target", { value: target });
    return e;
  };
  it("moves, reviews, sends back and comments, never while typing or with a modifier", () => {
    expect(queueAction(key("ArrowRight"))).toBe("next");
    expect(queueAction(key("j"))).toBe("next");
    expect(queueAction(key("K"))).toBe("previous");
    expect(queueAction(key("r"))).toBe("reviewed");
    expect(queueAction(key("c"))).toBe("changes");
    expect(queueAction(key("m"))).toBe("comment");
    expect(queueAction(key("x"))).toBeNull();
    expect(queueAction(key("r", { ctrlKey: true }))).toBeNull();
    expect(queueAction(key("r", {}, document.createElement("textarea")))).toBeNull();
    expect(queueAction(key("j", {}, document.createElement("input")))).toBeNull();
  });
  it("are listed in the help of the review screen", () => {
    const does = shortcutsFor("review", false).map((s) => s.does);
    expect(does).toContain("keys.queue.reviewed");
    expect(does).toContain("keys.queue.changes");
  });
});
