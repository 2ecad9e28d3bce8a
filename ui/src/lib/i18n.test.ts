import { describe, expect, it, vi } from "vitest";
import { en, fr } from "./messages";
import { forgetFormatters, formatDateTime, formatDay, formatElapsed, formatTime, initialLang, termLabel, translate } from "./i18n";

describe("initialLang", () => {
  it("keeps a saved choice", () => {
    expect(initialLang("en", ["fr-CA"])).toBe("en");
  });
  it("is French on a French system and English on an English one", () => {
    expect(initialLang(null, ["fr-CA", "en-US"])).toBe("fr");
    expect(initialLang(null, ["en-GB"])).toBe("en");
  });
  it("is English on other systems", () => {
    expect(initialLang(undefined, ["de-DE"])).toBe("en");
    expect(initialLang(undefined, [])).toBe("en");
  });
  it("takes the first language it speaks in the system's order", () => {
    expect(initialLang(null, ["es-MX", "fr-CA", "en-US"])).toBe("fr");
  });
});

describe("translate", () => {
  it("has every key in English too, with the same placeholders", () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      const f = JSON.stringify(fr[key]).match(/\{\w+\}/g)?.sort() ?? [];
      const e = JSON.stringify(en[key]).match(/\{\w+\}/g)?.sort() ?? [];
      expect(e, key).toEqual(f);
    }
  });
  it("chooses French plural forms (0 and 1 are singular in French)", () => {
    expect(translate("fr", "sync.waiting", { count: 1 })).toBe("1 fiche en attente");
    expect(translate("fr", "sync.waiting", { count: 2 })).toBe("2 fiches en attente");
    expect(translate("fr", "journal.comments", { count: 0 })).toBe("0 commentaire");
  });
  it("chooses English plural forms and the zero form when there is one", () => {
    expect(translate("en", "sync.waiting", { count: 1 })).toBe("1 record waiting");
    expect(translate("en", "sync.waiting", { count: 0 })).toBe("0 records waiting");
    expect(translate("en", "journal.count", { count: 0 })).toBe("No notes");
  });
  it("formats numbers in the language's way", () => {
    expect(translate("en", "journal.count", { count: 100000 })).toBe("100,000 notes");
    // French (Canada) groups thousands with a (narrow) no-break space.
    expect(translate("fr", "journal.count", { count: 100000 })).toMatch(/^100\s000 notes$/u);
  });
});

describe("dates", () => {
  it("formats a day in French and in English", () => {
    expect(formatDay("fr", "2026-11-23")).toMatch(/23 nov\.? 2026/);
    expect(formatDay("en", "2026-11-23")).toMatch(/Nov\.? 23, 2026/);
  });
  it("leaves what is not a day as it is", () => {
    expect(formatDay("fr", "bientôt")).toBe("bientôt");
  });
  it("formats an elapsed time", () => {
    expect(formatElapsed(65_000)).toBe("1:05");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
    expect(formatElapsed(-5)).toBe("0:00");
  });
});

describe("formatters", () => {
  it("are made once per language and style, not once per row", () => {
    forgetFormatters();
    const made = vi.spyOn(Intl, "DateTimeFormat");
    const plural = vi.spyOn(Intl, "PluralRules");
    try {
      const rows: string[] = [];
      for (let i = 0; i < 200; i++) {
        const at = Date.UTC(2026, 10, 23, 14, i % 60);
        for (const lang of ["fr", "en"] as const) {
          rows.push(formatDateTime(lang, at), formatTime(lang, at), formatDay(lang, "2026-11-23"));
          rows.push(translate(lang, "journal.count", { count: i }));
        }
      }
      expect(new Set(rows).size).toBeGreaterThan(100);
      // Exactly one per language and style: three styles of dates, one set
      // of plural rules, in two languages.
      expect(made.mock.calls.length).toBe(6);
      expect(plural.mock.calls.length).toBe(2);
    } finally {
      made.mockRestore();
      plural.mockRestore();
    }
  });
});

describe("termLabel", () => {
  const terms = [{ code: "cafe", fr: "Café", en: "Coffee shop" }];
  it("labels a code in each language and falls back to the code", () => {
    expect(termLabel("fr", terms, "cafe")).toBe("Café");
    expect(termLabel("en", terms, "cafe")).toBe("Coffee shop");
    expect(termLabel("en", terms, "park")).toBe("park");
  });
});
