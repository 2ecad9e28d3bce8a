import { describe, expect, it } from "vitest";
import { compareText, fold, matches, sortBy } from "./collate";

describe("text as a person reads it", () => {
  it("sorts accented names among the others, not after Z", () => {
    const names = ["Épicerie du coin", "Zone jeunesse", "École Saint-Vincent", "Bibliothèque", "ecole de musique"];
    expect(sortBy("fr", names, (x) => x)).toEqual([
      "Bibliothèque",
      "ecole de musique",
      "École Saint-Vincent",
      "Épicerie du coin",
      "Zone jeunesse",
    ]);
    expect(compareText("en", "Élan", "Zoo")).toBeLessThan(0);
  });

  it("sorts numbers by value", () => {
    expect(sortBy("fr", ["MN-10", "MN-9", "MN-100"], (x) => x)).toEqual(["MN-9", "MN-10", "MN-100"]);
  });

  it("matches ignoring accents and case", () => {
    expect(fold("Épicerie À")).toBe("epicerie a");
    expect(matches("Hélène des Érables", "helene")).toBe(true);
    expect(matches("Hélène des Érables", " ÉRABLES ")).toBe(true);
    expect(matches("Hélène", "marc")).toBe(false);
  });
});
