// Language and theme of the page: from the Teams context inside Teams, and
// from the URL, the user's choice in the header or the browser outside it.
import { createContext, useContext } from "react";
import { matchLocale, type Locale } from "./i18n";
import { parseThemeName, type ThemeName } from "./theme";

export type ThemeChoice = ThemeName | "system";

export interface Preferences {
  locale: Locale;
  theme: ThemeName;
  inTeams: boolean;
  /** Outside Teams only: what the header switchers set. */
  themeChoice: ThemeChoice;
  setLocale(locale: Locale): void;
  setThemeChoice(choice: ThemeChoice): void;
}

export const PreferencesContext = createContext<Preferences | null>(null);

export function usePreferences(): Preferences {
  const preferences = useContext(PreferencesContext);
  if (!preferences) throw new Error("usePreferences() needs the App above it");
  return preferences;
}

const LOCALE_KEY = "mentoring.locale";
const THEME_KEY = "mentoring.theme";

function storedValue(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // Storage can be blocked for framed pages.
  }
}

export function storeValue(key: "locale" | "theme", value: string): void {
  try {
    localStorage.setItem(key === "locale" ? LOCALE_KEY : THEME_KEY, value);
  } catch {
    // The choice then lasts until the page reloads.
  }
}

/** Locale outside Teams: ?locale=, then the header choice, then the browser's languages. */
export function initialLocale(): Locale {
  const fromUrl = matchLocale(new URLSearchParams(window.location.search).get("locale"));
  if (fromUrl) return fromUrl;
  const stored = matchLocale(storedValue(LOCALE_KEY));
  if (stored) return stored;
  for (const language of navigator.languages ?? [navigator.language]) {
    const match = matchLocale(language);
    if (match) return match;
  }
  // The server picked the shell's lang from Accept-Language.
  return matchLocale(document.documentElement.lang) ?? "ru";
}

/** Theme outside Teams: ?theme=, then the header choice, then the system preference. */
export function initialThemeChoice(): ThemeChoice {
  const fromUrl = parseThemeName(new URLSearchParams(window.location.search).get("theme"));
  if (fromUrl) return fromUrl;
  const stored = storedValue(THEME_KEY);
  return parseThemeName(stored) ?? "system";
}
