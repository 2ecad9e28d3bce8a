import { describe, expect, it } from "vitest";
import { contrast, textOn } from "./contrast";

describe("chip colours", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrast("#ffffff", "#000000")).toBeCloseTo(21, 5);
    expect(contrast("#1d5fa8", "#ffffff")).toBeGreaterThan(4.5);
  });

  it("puts black text on light colours and white on dark ones", () => {
    expect(textOn("#f4d35e")).toBe("#000000"); // a light yellow ("Jeunes" was white on it)
    expect(textOn("#264653")).toBe("#ffffff");
  });

  it("meets AA (4.5:1) on every colour a codebook can hold", () => {
    // Every colour on a 17-step grid of each channel (4,913 colours, the
    // corners and the mid-tones where the two choices cross).
    let worst = 21;
    for (let r = 0; r <= 256; r += 16)
      for (let g = 0; g <= 256; g += 16)
        for (let b = 0; b <= 256; b += 16) {
          const hex = `#${[r, g, b].map((c) => Math.min(255, c).toString(16).padStart(2, "0")).join("")}`;
          worst = Math.min(worst, contrast(hex, textOn(hex)));
        }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});
