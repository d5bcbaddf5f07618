// Language and theme switchers and sign-out, shown in the header outside Teams.
import { Button, Select, makeStyles, tokens, useId } from "@fluentui/react-components";
import { SignOutRegular } from "@fluentui/react-icons";
import { LOCALES } from "../i18n/index";
import { matchLocale, useT } from "../i18n";
import { type ThemeChoice, usePreferences } from "../preferences";
import { useOptionalSession } from "../session";
import { THEME_NAMES } from "../theme";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
  },
  label: {
    position: "absolute",
    width: "1px",
    height: "1px",
    overflow: "hidden",
    clip: "rect(0 0 0 0)",
    whiteSpace: "nowrap",
  },
  user: { color: tokens.colorNeutralForeground2 },
});

const LANGUAGE_NAMES = { ru: "Русский", en: "English" } as const;

export function HeaderSettings() {
  const t = useT();
  const styles = useStyles();
  const preferences = usePreferences();
  const session = useOptionalSession();
  const languageId = useId("language");
  const themeId = useId("theme");
  const choices: ThemeChoice[] = ["system", ...THEME_NAMES];
  return (
    <div className={styles.root}>
      {session ? <span className={styles.user}>{session.me.displayName}</span> : null}
      <label htmlFor={languageId} className={styles.label}>
        {t("settings.language")}
      </label>
      <Select
        id={languageId}
        size="small"
        value={preferences.locale}
        onChange={(_, data) => preferences.setLocale(matchLocale(data.value) ?? preferences.locale)}
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {LANGUAGE_NAMES[locale]}
          </option>
        ))}
      </Select>
      <label htmlFor={themeId} className={styles.label}>
        {t("settings.theme")}
      </label>
      <Select
        id={themeId}
        size="small"
        value={preferences.themeChoice}
        onChange={(_, data) => preferences.setThemeChoice(data.value as ThemeChoice)}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {t(`settings.theme.${choice}`)}
          </option>
        ))}
      </Select>
      {session ? (
        <Button size="small" icon={<SignOutRegular />} onClick={() => void session.signOut()}>
          {t("settings.signOut")}
        </Button>
      ) : null}
    </div>
  );
}
