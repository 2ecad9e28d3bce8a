import { describe, expect, it } from "vitest";
import { moveIndex, rove } from "./roving";

describe("one Tab stop per group", () => {
  it("moves with the arrows, wrapping, and to the ends", () => {
    expect(moveIndex("ArrowRight", 0, 7)).toBe(1);
    expect(moveIndex("ArrowDown", 6, 7)).toBe(0);
    expect(moveIndex("ArrowLeft", 0, 7)).toBe(6);
    expect(moveIndex("Home", 4, 7)).toBe(0);
    expect(moveIndex("End", 0, 7)).toBe(6);
    expect(moveIndex("a", 0, 7)).toBeNull();
    expect(moveIndex("ArrowRight", 0, 0)).toBeNull();
  });

  it("focuses and chooses the item reached", () => {
    document.body.innerHTML = `<div id="g"><button>a</button><button>b</button><button>c</button></div>`;
    const group = document.getElementById("g")!;
    const [a, , c] = [...group.querySelectorAll("button")];
    a.focus();
    let chosen = "";
    group.addEventListener("keydown", (e) => rove(e, "button", (el) => (chosen = el.textContent ?? "")));
    a.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    expect(document.activeElement).toBe(c);
    expect(chosen).toBe("c");
  });
});
