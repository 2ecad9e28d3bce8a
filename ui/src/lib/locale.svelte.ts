// The current language, reactive: every `t(...)` in a component re-runs
// when it changes.

import { termLabel, translate, type Lang, type Params } from "./i18n";
import type { MessageKey } from "./messages";

export const locale = $state<{ lang: Lang }>({ lang: "fr" });

/** The message `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** A vocabulary's term (a status, a need…) in the current language; its
 * code when the list does not hold it. */
export function term(terms: readonly { code: string; fr: string; en: string }[] | undefined, code: string): string {
  return termLabel(locale.lang, terms ?? [], code);
}

/** Switch language; the document's `lang` follows for screen readers. */
export function setLang(lang: Lang): void {
  locale.lang = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}
