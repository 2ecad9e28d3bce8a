import { describe, expect, it } from "vitest";
import { emptyForm, endOfWeek, isEmptyForm, toNoteFilter, TYPED } from "./filters";

describe("journal filters", () => {
  it("an empty form filters nothing", () => {
    const f = toNoteFilter(emptyForm(), new Date(2026, 10, 23));
    expect(Object.values(f).every((v) => v === null)).toBe(true);
    expect(isEmptyForm(emptyForm())).toBe(true);
  });
  it("maps selects to codes and dates to local midnights, the end day included", () => {
    const form = { ...emptyForm(), method: "workshop" as const, theme: "food", from: "2026-11-01", to: "2026-11-23" };
    const f = toNoteFilter(form, new Date(2026, 10, 23));
    expect(f.method).toBe("workshop");
    expect(f.theme).toBe("food");
    expect(new Date(f.from!).getTime()).toBe(new Date(2026, 10, 1).getTime());
    expect(new Date(f.to!).getTime()).toBe(new Date(2026, 10, 24).getTime());
    expect(isEmptyForm(form)).toBe(false);
  });
  it("filters by a place record or by a place as typed", () => {
    const record = toNoteFilter({ ...emptyForm(), place: "018f0000-0000-7000-8000-000000000001" }, new Date());
    expect(record.place_id).toBe("018f0000-0000-7000-8000-000000000001");
    expect(record.place_text).toBeNull();
    const typed = toNoteFilter({ ...emptyForm(), place: `${TYPED}Salle communautaire Saint-Michel` }, new Date());
    expect(typed.place_id).toBeNull();
    expect(typed.place_text).toBe("Salle communautaire Saint-Michel");
  });
  it("ignores a malformed date", () => {
    const f = toNoteFilter({ ...emptyForm(), from: "23/11/2026" }, new Date());
    expect(f.from).toBeNull();
  });
  it("'due this week' means due by the coming Sunday", () => {
    expect(endOfWeek(new Date(2026, 10, 23))).toBe("2026-11-29"); // a Monday
    expect(endOfWeek(new Date(2026, 10, 29))).toBe("2026-11-29"); // the Sunday itself
    expect(endOfWeek(new Date(2026, 11, 31))).toBe("2027-01-03"); // across the year
    const f = toNoteFilter({ ...emptyForm(), dueThisWeek: true }, new Date(2026, 10, 25));
    expect(f.follow_up_due_by).toBe("2026-11-29");
  });
});
