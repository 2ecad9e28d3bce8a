// Sorting and matching text as a person reads it: with the language's
// collation ("École" beside "Ecole", before "Épicerie", not after "Z"),
// and matching that ignores accents and case, as the journal's search does.

import type { Lang } from "./i18n";

const collators = new Map<Lang, Intl.Collator>();

function collator(lang: Lang): Intl.Collator {
  let c = collators.get(lang);
  if (!c) {
    c = new Intl.Collator(lang === "fr" ? "fr-CA" : "en-CA", { sensitivity: "base", numeric: true });
    collators.set(lang, c);
  }
  return c;
}

/** Compare two texts in the language's order. */
export function compareText(lang: Lang, a: string, b: string): number {
  return collator(lang).compare(a, b);
}

/** A copy of `items` sorted by `key` in the language's order. */
export function sortBy<T>(lang: Lang, items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareText(lang, key(a), key(b)));
}

/** Text folded for matching: accents and case removed. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether `text` contains `query`, accents and case ignored. */
export function matches(text: string, query: string): boolean {
  return fold(text).includes(fold(query.trim()));
}
