// The root component: detects the Teams host, applies theme and language,
// then renders the page of data-page once a user is signed in.
import { FluentProvider } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { detectTeams, notifyTeamsLoaded, type TeamsHost } from "./host";
import { LocaleContext, type Locale } from "./i18n";
import { type Preferences, PreferencesContext, type ThemeChoice, initialLocale, initialThemeChoice, storeValue } from "./preferences";
import { navigate } from "./route";
import { SessionProvider } from "./session";
import { Shell } from "./Shell";
import { fluentThemes, systemThemeName, type ThemeName } from "./theme";
import { Loading } from "./ui/Loading";

export interface AppProps {
  page: string;
  /** Message origins of Teams stand-ins that teams-js should trust besides its own list. */
  hostOrigins: string[];
}

let detection: Promise<TeamsHost | null> | null = null;

/** Detect the host once per page load, even if React runs effects twice. */
function detectOnce(origins: string[]): Promise<TeamsHost | null> {
  detection ??= detectTeams(origins);
  return detection;
}

function useSystemTheme(): ThemeName {
  const [theme, setTheme] = useState(systemThemeName);
  useEffect(() => {
    const queries = ["(prefers-color-scheme: dark)", "(forced-colors: active)"].map((query) => window.matchMedia(query));
    const update = () => setTheme(systemThemeName());
    queries.forEach((query) => query.addEventListener("change", update));
    return () => queries.forEach((query) => query.removeEventListener("change", update));
  }, []);
  return theme;
}

export function App({ page, hostOrigins }: AppProps) {
  // undefined while detecting, null outside Teams.
  const [host, setHost] = useState<TeamsHost | null | undefined>(undefined);
  const [teamsTheme, setTeamsTheme] = useState<ThemeName>("default");
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [themeChoice, setThemeChoiceState] = useState<ThemeChoice>(initialThemeChoice);
  const systemTheme = useSystemTheme();

  useEffect(() => {
    let active = true;
    void detectOnce(hostOrigins).then((detected) => {
      if (!active) return;
      if (detected) {
        setTeamsTheme(detected.theme);
        if (detected.locale) setLocaleState(detected.locale);
        detected.onThemeChange(setTeamsTheme);
        if (detected.subPageId && !window.location.hash) navigate(detected.subPageId, { replace: true });
        notifyTeamsLoaded();
      }
      setHost(detected);
    });
    return () => {
      active = false;
    };
  }, [hostOrigins]);

  const inTeams = Boolean(host);
  let theme: ThemeName = themeChoice === "system" ? systemTheme : themeChoice;
  if (inTeams) theme = teamsTheme;
  const fluentTheme = fluentThemes[theme];

  // The page outside the Fluent root (overscroll, scrollbars) follows the theme too.
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme === "default" ? "light" : "dark";
    document.body.style.backgroundColor = fluentTheme.colorNeutralBackground3;
  }, [locale, theme, fluentTheme]);

  const preferences = useMemo<Preferences>(
    () => ({
      locale,
      theme,
      inTeams,
      themeChoice,
      setLocale(next) {
        storeValue("locale", next);
        setLocaleState(next);
      },
      setThemeChoice(next) {
        storeValue("theme", next);
        setThemeChoiceState(next);
      },
    }),
    [locale, theme, inTeams, themeChoice],
  );

  return (
    <FluentProvider theme={fluentTheme} lang={locale}>
      <LocaleContext.Provider value={locale}>
        <PreferencesContext.Provider value={preferences}>
          {host === undefined ? (
            <Loading fullPage />
          ) : (
            <SessionProvider host={host} page={page}>
              <Shell page={page} />
            </SessionProvider>
          )}
        </PreferencesContext.Provider>
      </LocaleContext.Provider>
    </FluentProvider>
  );
}
