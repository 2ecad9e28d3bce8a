// The current language, reactive: every `t(...)` in a component re-runs
// when it changes.

import { translate, type Lang, type Params } from "./i18n";
import type { MessageKey } from "./messages";

export const locale = $state<{ lang: Lang }>({ lang: "fr" });

/** The message `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** Switch language; the document's `lang` follows for screen readers. */
export function setLang(lang: Lang): void {
  locale.lang = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}
