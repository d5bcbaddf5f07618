// Detect whether the page runs as a Teams tab and read the host context.
import { app, authentication } from "@microsoft/teams-js";
import { matchLocale, type Locale } from "./i18n";
import { parseThemeName, type ThemeName } from "./theme";

/** Milliseconds to wait for app.initialize() before deciding the page runs outside Teams. */
export const TEAMS_DETECT_TIMEOUT_MS = 3000;

export interface TeamsHost {
  theme: ThemeName;
  locale: Locale | null;
  /** Object id and tenant of the Teams user, when the host reports them. */
  userId: string | null;
  tenantId: string | null;
  /** The sub-page a deep link opened, if any (becomes the hash route). */
  subPageId: string | null;
  onThemeChange(handler: (theme: ThemeName) => void): void;
  getToken(): Promise<string>;
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms));
}

/**
 * Return the Teams host, or null outside Teams.
 *
 * Top-level pages make app.initialize() reject at once ("No Parent window
 * found"). A page framed by something that is not Teams never hears back,
 * so the call races a timeout. `extraOrigins` are message origins besides
 * the Microsoft hosts that teams-js trusts itself (only tests set them).
 */
export async function detectTeams(extraOrigins: string[]): Promise<TeamsHost | null> {
  try {
    await Promise.race([
      app.initialize(extraOrigins.length > 0 ? extraOrigins : undefined),
      timeout(TEAMS_DETECT_TIMEOUT_MS),
    ]);
  } catch (error) {
    console.info("not running in Teams:", error instanceof Error ? error.message : error);
    return null;
  }
  const context = await app.getContext();
  let themeHandlerSet = false;
  return {
    theme: parseThemeName(context.app.theme) ?? "default",
    locale: matchLocale(context.app.locale),
    userId: context.user?.id ?? null,
    tenantId: context.user?.tenant?.id ?? null,
    subPageId: context.page?.subPageId || null,
    onThemeChange(handler) {
      if (themeHandlerSet) throw new Error("the Teams theme handler is already set");
      themeHandlerSet = true;
      app.registerOnThemeChangeHandler((theme) => handler(parseThemeName(theme) ?? "default"));
    },
    // Teams caches the token and renews it, so ask every time one is needed.
    getToken: () => authentication.getAuthToken(),
  };
}

/** Tell Teams the tab has rendered, which hides its loading indicator. */
export function notifyTeamsLoaded(): void {
  try {
    app.notifySuccess();
  } catch (error) {
    console.warn("app.notifySuccess failed:", error);
  }
}
