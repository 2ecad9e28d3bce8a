// The synthesis's charts in the person's language: each aggregate of the
// shell's `Synthesis` turned into rows a chart and its table show, with
// labels, and what clicking a row opens (the journal with a filter, or
// the passage view).

import type { Count, Cross, Synthesis, Vocabularies, Workspace } from "../bindings/carnet";
import type { FilterForm } from "./filters";
import { TYPED } from "./filters";
import { termLabel, type Lang } from "./i18n";

/** One bar, cell or point of a chart, and one row of its table. */
export type ChartRow = {
  /** The category (a bar's label, a cell's column, a line's x). */
  x: string;
  /** A cell's row, a line's series. */
  y: string;
  value: number;
  /** A second figure shown in the table (coded passages). */
  extra?: number;
  /** The journal filter this row opens, if any. */
  filter?: Partial<FilterForm>;
};

export type Labels = {
  lang: Lang;
  vocab: Vocabularies | null | undefined;
  workspace: Workspace | null | undefined;
};

export function themeName(l: Labels, code: string): string {
  const t = l.workspace?.codebook.find((x) => x.code === code);
  return t ? (l.lang === "fr" ? t.label_fr : t.label_en) : code;
}

export function memberLabel(l: Labels, id: string): string {
  return l.workspace?.members.find((m) => m.id === id)?.name ?? id;
}

/** "2026-11" as "nov. 2026" or "Nov 2026". */
export function monthLabel(lang: Lang, month: string): string {
  const [y, m] = month.split("-").map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-CA" : "en-CA", { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

/** The first and last day of a month, for the journal's period. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

const term = (l: Labels, kind: "barriers" | "needs" | "methods" | "referral_statuses", code: string) =>
  termLabel(l.lang, l.vocab?.[kind] ?? [], code);

/** Themes by notes (the bar) and passages (in the table), most used first. */
export function themeRows(l: Labels, s: Synthesis): ChartRow[] {
  return s.themes.map((t) => ({
    x: themeName(l, t.theme),
    y: "",
    value: t.notes,
    extra: t.passages,
    filter: { theme: t.theme },
  }));
}

/** Notes per theme and month, one line per theme. */
export function monthRows(l: Labels, s: Synthesis): ChartRow[] {
  return s.themes_by_month.map((c) => ({
    x: c.row,
    y: themeName(l, c.column),
    value: c.count,
    filter: { theme: c.column, ...monthRange(c.row) },
  }));
}

type Axis = "barriers" | "needs" | "methods" | "sectors" | "themes";

function axisLabel(l: Labels, axis: Axis, code: string): string {
  if (axis === "themes") return themeName(l, code);
  if (axis === "sectors") return l.workspace?.sectors.find((s) => s.code === code)?.name ?? code;
  return term(l, axis, code);
}

function axisFilter(axis: Axis, code: string): Partial<FilterForm> {
  switch (axis) {
    case "barriers":
      return { barrier: code as FilterForm["barrier"] };
    case "needs":
      return { need: code as FilterForm["need"] };
    case "methods":
      return { method: code as FilterForm["method"] };
    case "sectors":
      return { sector: code };
    case "themes":
      return { theme: code };
  }
}

/** A crossing as cells: `rows` down, `columns` across. */
export function crossRows(l: Labels, cells: Cross[], rows: Axis, columns: Axis, symmetric = false): ChartRow[] {
  const out: ChartRow[] = cells.map((c) => ({
    x: axisLabel(l, columns, c.column),
    y: axisLabel(l, rows, c.row),
    value: c.count,
    filter: rows === columns ? axisFilter(rows, c.row) : { ...axisFilter(rows, c.row), ...axisFilter(columns, c.column) },
  }));
  if (!symmetric) return out;
  // A co-occurrence holds each pair once; the matrix shows both halves.
  return [...out, ...cells.map((c) => ({ x: axisLabel(l, columns, c.row), y: axisLabel(l, rows, c.column), value: c.count, filter: axisFilter(rows, c.column) }))];
}

/** Referrals by status, in the vocabulary's order (empty statuses left out). */
export function funnelRows(l: Labels, s: Synthesis): ChartRow[] {
  return s.funnel.filter((c) => c.count > 0).map((c) => ({ x: term(l, "referral_statuses", c.key), y: "", value: c.count }));
}

export function countRows(l: Labels, counts: Count[], kind: "members" | "methods" | "places", top = 15): ChartRow[] {
  return counts.slice(0, top).map((c) => ({
    x: kind === "members" ? memberLabel(l, c.key) : kind === "methods" ? term(l, "methods", c.key) : c.key,
    y: "",
    value: c.count,
    filter: kind === "members" ? { author: c.key } : kind === "methods" ? { method: c.key as FilterForm["method"] } : { place: `${TYPED}${c.key}` },
  }));
}
