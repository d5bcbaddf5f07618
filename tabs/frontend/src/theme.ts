// Teams theme names and the Fluent UI themes that render them.
import {
  type Theme,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
} from "@fluentui/react-components";

/** A Teams theme name as app.getContext() and the theme change handler report it. */
export type ThemeName = "default" | "dark" | "contrast";
export const THEME_NAMES: readonly ThemeName[] = ["default", "dark", "contrast"];

export const fluentThemes: Record<ThemeName, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

/** Map a theme name from Teams or a URL to ours; unknown names mean null. */
export function parseThemeName(value: string | null | undefined): ThemeName | null {
  switch ((value ?? "").trim().toLowerCase()) {
    case "default":
    case "light":
      return "default";
    case "dark":
      return "dark";
    case "contrast":
    case "highcontrast":
      return "contrast";
    default:
      return null;
  }
}

/** The theme the operating system or browser prefers, for pages outside Teams. */
export function systemThemeName(): ThemeName {
  if (window.matchMedia?.("(forced-colors: active)").matches) return "contrast";
  if (window.matchMedia?.("(prefers-color-scheme: dark)").matches) return "dark";
  return "default";
}
