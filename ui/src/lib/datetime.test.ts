import { describe, expect, it } from "vitest";
import { parseDay, parseTime, showTime } from "./datetime";

describe("days and times in the app's language", () => {
  it("reads a day in Québec's short form, or day first in French and month first in English", () => {
    expect(parseDay("2026-12-03", "fr")).toBe("2026-12-03");
    expect(parseDay(" 2026-2-3 ", "en")).toBe("2026-02-03");
    expect(parseDay("3/12/2026", "fr")).toBe("2026-12-03");
    expect(parseDay("12/3/2026", "en")).toBe("2026-12-03");
    expect(parseDay("2026-02-30", "fr")).toBeNull();
    expect(parseDay("demain", "fr")).toBeNull();
    expect(parseDay("", "fr")).toBeNull();
  });

  it("reads a time as people write it, in either language", () => {
    for (const [text, want] of [
      ["14:05", "14:05"],
      ["14 h 05", "14:05"],
      ["14h05", "14:05"],
      ["9 h", "09:00"],
      ["2:05 p.m.", "14:05"],
      ["2:05 pm", "14:05"],
      ["12:30 a.m.", "00:30"],
      ["12 pm", "12:00"],
      ["\u00a014\u00a0h\u00a005", "14:05"],
    ] as const) {
      expect(parseTime(text), text).toBe(want);
    }
    for (const bad of ["25:00", "14:75", "13 pm", "14", "midi", ""]) expect(parseTime(bad), bad).toBeNull();
  });

  it("writes a time the language's way, and reads it back", () => {
    expect(showTime("14:05", "fr")).toBe("14\u00a0h\u00a005");
    expect(showTime("14:05", "en")).toBe("2:05\u00a0p.m.");
    expect(showTime("00:30", "en")).toBe("12:30\u00a0a.m.");
    for (const hm of ["00:00", "09:15", "12:00", "23:59"]) {
      expect(parseTime(showTime(hm, "fr"))).toBe(hm);
      expect(parseTime(showTime(hm, "en"))).toBe(hm);
    }
  });
});
