// Dates and times typed and shown in the app's language, whatever the
// system's C library locale (a native date field follows the system's and
// showed "12/02/2026, 06:32 PM" in a French window on a machine without
// fr_CA). A day is written `AAAA-MM-JJ`, the Québec short form in both
// languages; a time as the language writes it ("14 h 05", "2:05 p.m.")
// and read back from any usual spelling ("14:05", "14h05", "2:05 pm").

import type { Lang } from "./i18n";

/** `YYYY-MM-DD` if `text` is a real calendar day in that form (or `D/M/YYYY` in French, `M/D/YYYY` in English). */
export function parseDay(text: string, lang: Lang): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t))) {
    const [a, b] = [Number(match[1]), Number(match[2])];
    [d, m] = lang === "fr" ? [a, b] : [b, a];
    y = Number(match[3]);
  } else {
    return null;
  }
  const date = new Date(y, m - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return null;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${y}-${two(m)}-${two(d)}`;
}

/** `HH:MM` (24 h) from a time as people write it, or null. */
export function parseTime(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  const m = /^(\d{1,2})(?:\s?(?:h|:)\s?(\d{2})?)?\s?(a\.?\s?m\.?|p\.?\s?m\.?)?$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.startsWith("p") ? "pm" : m[3]?.startsWith("a") ? "am" : null;
  if (half === null && m[2] === undefined && !/h/.test(t)) return null; // "14" alone is not a time
  if (half) {
    if (h < 1 || h > 12) return null;
    if (half === "pm" && h !== 12) h += 12;
    if (half === "am" && h === 12) h = 0;
  }
  if (h > 23 || min > 59) return null;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(min)}`;
}

/** A `HH:MM` time as the language writes it: "14 h 05", "2:05 p.m.". */
export function showTime(hm: string, lang: Lang): string {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) return hm;
  const [h, min] = [Number(m[1]), m[2]];
  if (lang === "fr") return `${h}\u00a0h\u00a0${min}`;
  const half = h < 12 ? "a.m." : "p.m.";
  return `${h % 12 === 0 ? 12 : h % 12}:${min}\u00a0${half}`;
}
