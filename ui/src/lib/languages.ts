// Languages by name, not by ISO code: the languages most spoken by the
// people our teams meet in Montréal and Sherbrooke, named in French and
// English. Records keep the ISO 639-1 code; screens show and pick names.

import type { Lang } from "./i18n";
import { sortBy } from "./collate";

const NAMES: Record<string, { fr: string; en: string }> = {
  fr: { fr: "Français", en: "French" },
  en: { fr: "Anglais", en: "English" },
  ht: { fr: "Créole haïtien", en: "Haitian Creole" },
  es: { fr: "Espagnol", en: "Spanish" },
  ar: { fr: "Arabe", en: "Arabic" },
  pt: { fr: "Portugais", en: "Portuguese" },
  it: { fr: "Italien", en: "Italian" },
  zh: { fr: "Chinois", en: "Chinese" },
  vi: { fr: "Vietnamien", en: "Vietnamese" },
  fa: { fr: "Persan", en: "Persian" },
  ru: { fr: "Russe", en: "Russian" },
  uk: { fr: "Ukrainien", en: "Ukrainian" },
  tl: { fr: "Tagalog", en: "Tagalog" },
  ta: { fr: "Tamoul", en: "Tamil" },
  pa: { fr: "Pendjabi", en: "Punjabi" },
  bn: { fr: "Bengali", en: "Bengali" },
  ur: { fr: "Ourdou", en: "Urdu" },
  ln: { fr: "Lingala", en: "Lingala" },
  sw: { fr: "Swahili", en: "Swahili" },
  wo: { fr: "Wolof", en: "Wolof" },
  ff: { fr: "Peul", en: "Fula" },
  ti: { fr: "Tigrigna", en: "Tigrinya" },
  so: { fr: "Somali", en: "Somali" },
  ne: { fr: "Népalais", en: "Nepali" },
  iu: { fr: "Inuktitut", en: "Inuktitut" },
  cr: { fr: "Cri", en: "Cree" },
  fcs: { fr: "Langue des signes québécoise (LSQ)", en: "Quebec Sign Language (LSQ)" },
};

/** A language's name in `lang` (the code itself for one it does not know). */
export function languageName(lang: Lang, code: string): string {
  const known = NAMES[code.trim().toLowerCase()];
  return known ? known[lang] : code;
}

/** Several languages' names, joined for reading. */
export function languageNames(lang: Lang, codes: readonly string[]): string {
  return codes.map((c) => languageName(lang, c)).join(", ");
}

/** Every language that can be picked, by name in `lang`'s order (French and English first). */
export function languageChoices(lang: Lang): { code: string; label: string }[] {
  const first = ["fr", "en"];
  const rest = Object.keys(NAMES).filter((c) => !first.includes(c));
  return [
    ...first.map((code) => ({ code, label: NAMES[code][lang] })),
    ...sortBy(lang, rest.map((code) => ({ code, label: NAMES[code][lang] })), (x) => x.label),
  ];
}
