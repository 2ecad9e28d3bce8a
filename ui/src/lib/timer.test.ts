import { describe, expect, it } from "vitest";
import type { ShadowEntry, ShadowTimer } from "../bindings/carnet";
import { currentPlace, elapsedMs, placeChanges, timerState } from "./timer";

const at = (hm: string) => `2026-11-20T${hm}:00Z`;
const span = (id: string, start: string, end: string | null) => ({ id, start: at(start), end: end && at(end) });
const entry = (id: string, place: string | null): ShadowEntry => ({ id, at: at("10:00"), place, text: id });

describe("the shadowing timer", () => {
  it("reads idle, running, paused and finished from the note", () => {
    const idle: ShadowTimer = { spans: [], finished_at: null };
    expect(timerState(idle)).toBe("idle");
    expect(timerState({ spans: [span("a", "09:00", null)], finished_at: null })).toBe("running");
    expect(timerState({ spans: [span("a", "09:00", "09:40")], finished_at: null })).toBe("paused");
    expect(timerState({ spans: [span("a", "09:00", "09:40")], finished_at: at("09:40") })).toBe("finished");
  });

  it("counts only the periods it ran, the open one up to now", () => {
    const timer: ShadowTimer = { spans: [span("a", "09:00", "09:40"), span("b", "10:10", null)], finished_at: null };
    const now = Date.parse(at("10:30"));
    expect(elapsedMs(timer, now)).toBe(60 * 60_000);
    expect(elapsedMs({ spans: [], finished_at: null }, now)).toBe(0);
  });

  it("shows a place when the person moves, not at every entry", () => {
    const entries = [entry("1", "Arrêt Pie-IX"), entry("2", "Arrêt Pie-IX"), entry("3", null), entry("4", "Pharmacie")];
    expect(placeChanges(entries)).toEqual(["Arrêt Pie-IX", null, null, "Pharmacie"]);
    expect(currentPlace(entries, "Bibliothèque")).toBe("Pharmacie");
    expect(currentPlace([entry("1", null)], "Bibliothèque")).toBe("Bibliothèque");
  });
});
