import { describe, expect, it } from "vitest";
import type { Theme } from "../bindings/carnet";
import { figure, kappaReading, passageOf, themeTree, toChars, toUtf16 } from "./coding";

const theme = (code: string, label: string, parent: string | null = null, archived = false): Theme => ({
  code,
  label_fr: label,
  label_en: label,
  colour: "#336699",
  parent,
  definition_fr: "",
  definition_en: "",
  include_fr: "",
  include_en: "",
  exclude_fr: "",
  exclude_en: "",
  archived,
  merged_into: null,
});

describe("positions", () => {
  it("count characters, not UTF-16 units, past an emoji", () => {
    const text = "Le 🌧️ et l'école";
    const i = text.indexOf("l'école");
    expect(toChars(text, i)).toBe(Array.from(text.slice(0, i)).length);
    expect(toChars(text, i)).toBeLessThan(i);
    expect(toUtf16(text, toChars(text, i))).toBe(i);
  });

  it("make a passage of a selection without its surrounding spaces", () => {
    const text = "Elle dit 🙂 qu'elle ne sort plus.";
    const from = text.indexOf(" qu'elle");
    const p = passageOf(text, from, text.indexOf("."), "body", null);
    expect(p?.text).toBe("qu'elle ne sort plus");
    expect(Array.from(text).slice(p!.start, p!.end).join("")).toBe("qu'elle ne sort plus");
    expect(passageOf(text, 3, 3, "body", null)).toBeNull();
    expect(passageOf(text, 4, 5, "body", null)).toBeNull();
  });
});

describe("the codebook as a tree", () => {
  it("puts sub-themes under their parent and leaves archived ones out", () => {
    const book = [theme("b", "Logement"), theme("a", "Isolement"), theme("a2", "Solitude", "a"), theme("old", "Ancien", null, true), theme("x", "Hiver", "old")];
    expect(themeTree(book, "fr").map((n) => `${n.depth}:${n.theme.code}`)).toEqual(["0:x", "0:a", "1:a2", "0:b"]);
    expect(themeTree(book, "fr", true).map((n) => n.theme.code)).toEqual(["old", "x", "a", "a2", "b"]);
  });
});

describe("figures", () => {
  it("read in each language", () => {
    expect(figure("fr", 72.5, true)).toBe("72,5\u00a0%");
    expect(figure("en", 72.5, true)).toBe("72.5%");
    expect(figure("en", 0.4, false)).toBe("0.40");
    expect(figure("fr", null, false)).toBe("—");
    expect(kappaReading(0.45)).toBe("agreement.moderate");
    expect(kappaReading(-0.1)).toBe("agreement.poor");
    expect(kappaReading(null)).toBeNull();
  });
});
