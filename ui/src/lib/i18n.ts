// Translation and formatting, as pure functions of the language, so they
// can be tested without a window. `locale.svelte.ts` makes the current
// language reactive.

import { en, fr, type Message, type MessageKey } from "./messages";
import type { Term } from "../bindings/carnet";

export type Lang = "fr" | "en";
export type Params = Record<string, string | number>;

const catalogs: Record<Lang, Record<MessageKey, Message>> = { fr, en };

/**
 * The language to start in: the saved one, else French on a French
 * system (its first language that Carnet speaks), else English.
 */
export function initialLang(saved: string | null | undefined, system: readonly string[]): Lang {
  if (saved === "fr" || saved === "en") return saved;
  for (const tag of system) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "fr") return "fr";
    if (base === "en") return "en";
  }
  return "en";
}

/** The BCP 47 tag used for numbers and dates (Québec's conventions). */
export function tag(lang: Lang): string {
  return lang === "fr" ? "fr-CA" : "en-CA";
}

// One formatter per language and style, made on first use. Each
// `Intl` object holds ICU's native tables (tens of kilobytes that the
// JavaScript collector does not see), so making one per journal row and
// leaving it to the collector grew the page by about 90 MB over 60
// scroll jumps.
const formatters = new Map<string, Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.PluralRules | Intl.DateTimeFormat>(
  key: string,
  make: () => T,
): T {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f as T;
}

/** Forget every formatter made so far (tests count the ones made after). */
export function forgetFormatters(): void {
  formatters.clear();
}

const numbers = (lang: Lang) => cached(`n:${lang}`, () => new Intl.NumberFormat(tag(lang)));
const plurals = (lang: Lang) => cached(`p:${lang}`, () => new Intl.PluralRules(tag(lang)));
const dates = (lang: Lang, style: "datetime" | "day" | "time") =>
  cached(
    `d:${lang}:${style}`,
    () =>
      new Intl.DateTimeFormat(
        tag(lang),
        style === "datetime"
          ? { dateStyle: "medium", timeStyle: "short" }
          : style === "day"
            ? { dateStyle: "medium" }
            : { timeStyle: "short" },
      ),
  );

function fill(text: string, params: Params, lang: Lang): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === "number" ? numbers(lang).format(v) : v;
  });
}

/** The message `key` in `lang`, with its placeholders filled. */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const msg = catalogs[lang][key] ?? fr[key];
  if (typeof msg === "string") return fill(msg, params, lang);
  const count = Number(params.count ?? 0);
  let form: string;
  if (count === 0 && msg.zero !== undefined) form = msg.zero;
  else {
    const rule = plurals(lang).select(count);
    form = rule === "one" ? msg.one : msg.other;
  }
  return fill(form, params, lang);
}

/** A vocabulary code's label (falls back to the code itself). */
export function termLabel(lang: Lang, terms: readonly Term[], code: string): string {
  const t = terms.find((x) => x.code === code);
  return t ? t[lang] : code;
}

/** A number in the language's way, with `digits` decimals at most. */
export function formatNumber(lang: Lang, n: number, digits = 0): string {
  return cached(`n:${lang}:${digits}`, () => new Intl.NumberFormat(tag(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits })).format(n);
}

/** A date and time, e.g. "23 nov. 2026, 14 h 05" or "Nov 23, 2026, 2:05 p.m.". */
export function formatDateTime(lang: Lang, iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dates(lang, "datetime").format(d);
}

/** A calendar day (`YYYY-MM-DD`), e.g. "23 nov. 2026". */
export function formatDay(lang: Lang, day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dates(lang, "day").format(d);
}

/** A time of day, e.g. "14 h 05" or "2:05 p.m.". */
export function formatTime(lang: Lang, at: string | number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return dates(lang, "time").format(d);
}

/** An elapsed time in milliseconds as `H:MM:SS` (or `M:SS` under an hour). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
