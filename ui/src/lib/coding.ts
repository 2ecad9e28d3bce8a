// Coding passages in the window: positions between the browser's UTF-16
// indices and Carnet's character (code point) positions, the selection
// in a note's texts, and the codebook as a tree.

import type { CodedField, PassageInput, Theme } from "../bindings/carnet";

/** Characters (code points) in the first `utf16` code units of `text`. */
export function toChars(text: string, utf16: number): number {
  return Array.from(text.slice(0, utf16)).length;
}

/** The UTF-16 index of the character at position `chars` of `text`. */
export function toUtf16(text: string, chars: number): number {
  let units = 0;
  let n = 0;
  for (const c of text) {
    if (n === chars) break;
    units += c.length;
    n++;
  }
  return units;
}

/** A passage from a UTF-16 selection `[from, to)` of `text`, or null when empty. */
export function passageOf(text: string, from: number, to: number, field: CodedField, item: string | null): PassageInput | null {
  const [a, b] = from <= to ? [from, to] : [to, from];
  const words = text.slice(a, b);
  if (!words.trim()) return null;
  // Leading and trailing spaces are not part of what is coded.
  const lead = words.length - words.trimStart().length;
  const trail = words.length - words.trimEnd().length;
  const start = toChars(text, a + lead);
  const end = toChars(text, b - trail);
  return { field, item, start, end, text: words.trim() };
}

/** The passage selected in the page, inside an element marked `data-coded-field`. */
export function domPassage(selection: Selection | null): PassageInput | null {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const start = range.startContainer instanceof Element ? range.startContainer : range.startContainer.parentElement;
  const host = start?.closest<HTMLElement>("[data-coded-field]");
  if (!host || !host.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(host);
  before.setEnd(range.startContainer, range.startOffset);
  const from = before.toString().length;
  const to = from + range.toString().length;
  return passageOf(host.textContent ?? "", from, to, host.dataset.codedField as CodedField, host.dataset.item ?? null);
}

/** A theme with its depth in the hierarchy. */
export type ThemeNode = { theme: Theme; depth: number };

/**
 * The codebook in tree order: each theme followed by its sub-themes,
 * siblings by label. Archived themes only with `archived`.
 */
export function themeTree(codebook: Theme[], lang: "fr" | "en", archived = false): ThemeNode[] {
  const shown = codebook.filter((t) => archived || !t.archived);
  const codes = new Set(shown.map((t) => t.code));
  const label = (t: Theme) => (lang === "fr" ? t.label_fr : t.label_en);
  const children = (parent: string | null) =>
    shown
      .filter((t) => (t.parent && codes.has(t.parent) ? t.parent : null) === parent)
      .sort((a, b) => label(a).localeCompare(label(b), lang));
  const out: ThemeNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const t of children(parent)) {
      if (seen.has(t.code)) continue;
      seen.add(t.code);
      out.push({ theme: t, depth });
      walk(t.code, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A kappa or percentage for people; "—" where undefined. */
export function figure(lang: "fr" | "en", v: number | null, percent: boolean): string {
  if (v === null || Number.isNaN(v)) return "—";
  const n = new Intl.NumberFormat(lang === "fr" ? "fr-CA" : "en-CA", {
    maximumFractionDigits: percent ? 1 : 2,
    minimumFractionDigits: percent ? 1 : 2,
  }).format(v);
  return percent ? (lang === "fr" ? `${n}\u00a0%` : `${n}%`) : n;
}

/** Landis and Koch's reading of a kappa, as a message key. */
export function kappaReading(k: number | null): "agreement.poor" | "agreement.fair" | "agreement.moderate" | "agreement.substantial" | "agreement.almost" | null {
  if (k === null) return null;
  if (k < 0.2) return "agreement.poor";
  if (k < 0.4) return "agreement.fair";
  if (k < 0.6) return "agreement.moderate";
  if (k < 0.8) return "agreement.substantial";
  return "agreement.almost";
}
