// Translation: useT() returns t(key, vars) for the current locale.
//
// A text may contain {name} placeholders. A plural text is a group of keys
// "<key>.<category>" with the categories of Intl.PluralRules for the
// language (en: one, other; ru: one, few, many, other); t("<key>", {count})
// picks the right one.
import { createContext, useCallback, useContext } from "react";
import { type Locale, messages } from "./i18n/index";

export type { Locale } from "./i18n/index";
export type TranslateVars = Record<string, string | number>;
export type Translate = (key: string, vars?: TranslateVars) => string;

export const LocaleContext = createContext<Locale>("ru");

const pluralRules: Record<Locale, Intl.PluralRules> = {
  en: new Intl.PluralRules("en"),
  ru: new Intl.PluralRules("ru"),
};

/** Map a BCP 47 tag such as "ru-RU" to a supported locale, or null. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  const language = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0];
  if (language === "ru" || language === "en") return language;
  return null;
}

export function translate(locale: Locale, key: string, vars?: TranslateVars): string {
  const catalog = messages[locale];
  let text = catalog[key];
  if (text === undefined && vars && typeof vars.count === "number") {
    const category = pluralRules[locale].select(vars.count);
    text = catalog[`${key}.${category}`] ?? catalog[`${key}.other`];
  }
  if (text === undefined) {
    // The build check catches literal keys; a computed key can still miss.
    console.warn(`missing text ${key} (${locale})`);
    return key;
  }
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT(): Translate {
  const locale = useContext(LocaleContext);
  return useCallback((key: string, vars?: TranslateVars) => translate(locale, key, vars), [locale]);
}
