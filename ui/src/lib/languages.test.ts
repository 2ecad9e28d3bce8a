import { describe, expect, it } from "vitest";
import { languageChoices, languageName, languageNames } from "./languages";

describe("languages by name", () => {
  it("names a code in each language, and keeps a code it does not know", () => {
    expect(languageName("fr", "ht")).toBe("Créole haïtien");
    expect(languageName("en", "ht")).toBe("Haitian Creole");
    expect(languageName("fr", "xx")).toBe("xx");
    expect(languageNames("fr", ["fr", "en", "es"])).toBe("Français, Anglais, Espagnol");
  });

  it("offers French and English first, then the others in the language's order", () => {
    const fr = languageChoices("fr").map((c) => c.label);
    expect(fr.slice(0, 2)).toEqual(["Français", "Anglais"]);
    const rest = fr.slice(2);
    expect(rest).toEqual([...rest].sort((a, b) => a.localeCompare(b, "fr-CA")));
    expect(rest.indexOf("Espagnol")).toBeLessThan(rest.indexOf("Italien"));
  });
});
