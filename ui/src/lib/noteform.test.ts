import { describe, expect, it } from "vitest";
import { blankForm, changes, fallbackTitle, inputFromForm, instantOf, toggle, worthSaving } from "./noteform";

const now = new Date(2026, 10, 23, 14, 5);

describe("note form", () => {
  it("needs a title or some text before a note is created", () => {
    const f = blankForm("outreach", now);
    expect(worthSaving(f)).toBe(false);
    expect(worthSaving({ ...f, body: "  " })).toBe(false);
    expect(worthSaving({ ...f, body: "Café du coin" })).toBe(true);
  });
  it("titles an untitled note with the body's first line, shortened", () => {
    const f = { ...blankForm("outreach", now), body: "Rencontre au parc\nsuite" };
    expect(fallbackTitle(f, "Note du 23 nov.")).toBe("Rencontre au parc");
    expect(fallbackTitle(blankForm("outreach", now), "Note du 23 nov.")).toBe("Note du 23 nov.");
    expect(fallbackTitle({ ...f, body: "x".repeat(100) }, "d").length).toBeLessThanOrEqual(60);
  });
  it("turns local date and time into an instant", () => {
    expect(new Date(instantOf("2026-11-23T14:05")!).getTime()).toBe(now.getTime());
    expect(instantOf("hier")).toBeNull();
  });
  it("makes an input with the follow-up only when asked for", () => {
    const f = { ...blankForm("group", now), title: "Groupe", followDue: "2026-11-30" };
    expect(inputFromForm(f, "Groupe").follow_up_due).toBeNull();
    expect(inputFromForm({ ...f, followNeeded: true }, "Groupe").follow_up_due).toBe("2026-11-30");
  });
  it("sends nothing when nothing changed", () => {
    const f = blankForm("outreach", now);
    expect(changes(f, { ...f })).toEqual({ patch: null, body: null });
  });
  it("sends the body apart from the fields, and only changed fields", () => {
    const a = { ...blankForm("outreach", now), title: "Parc", body: "Texte" };
    const b = { ...a, body: "Texte modifié", themes: ["food"], participants: "12" };
    const { patch, body } = changes(a, b);
    expect(body).toBe("Texte modifié");
    expect(patch?.themes).toEqual(["food"]);
    expect(patch?.participants).toBe(12);
    expect(patch?.title).toBeNull();
    expect(patch?.method).toBeNull();
  });
  it("clears a count or a due date explicitly", () => {
    const a = { ...blankForm("outreach", now), participants: "5", followNeeded: true, followDue: "2026-11-30" };
    const { patch } = changes(a, { ...a, participants: "", followDue: "" });
    expect(patch?.participants).toBe(0);
    expect(patch?.follow_up_clear_due).toBe(true);
  });
  it("does not blank a title that was erased while typing", () => {
    const a = { ...blankForm("outreach", now), title: "Parc" };
    expect(changes(a, { ...a, title: "" }).patch).toBeNull();
  });
  it("toggles chips", () => {
    expect(toggle(["a", "b"], "a")).toEqual(["b"]);
    expect(toggle(["a"], "c")).toEqual(["a", "c"]);
  });
});
