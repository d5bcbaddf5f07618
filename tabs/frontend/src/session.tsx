// The signed-in user: SessionProvider picks the token source, loads
// GET /api/v1/me and shows the sign-in page while there is no user.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  type ClientConfig,
  type TokenSource,
  demoTokenSource,
  fetchConfig,
  msalTokenSource,
  teamsTokenSource,
} from "./auth";
import { ApiEnvironmentContext, ApiProblem, type ApiEnvironment, createApi } from "./api";
import type { TeamsHost } from "./host";
import type { Locale } from "./i18n";
import { usePreferences } from "./preferences";
import { SignInPage } from "./signin/SignInPage";
import type { ThemeName } from "./theme";
import { Loading } from "./ui/Loading";
import { ProblemBanner } from "./ui/ProblemBanner";
import { PageLayout } from "./ui/PageLayout";
import { useT } from "./i18n";

/** The signed-in user from GET /api/v1/me. */
export interface Me {
  id: number | string;
  displayName: string;
  roles: string[];
  locale: string;
  timeZone: string;
}

/** The session when a user is signed in, or null (the sign-in page and the header use it). */
export function useOptionalSession(): Session | null {
  return useContext(SessionContext);
}

export const DEFAULT_TIME_ZONE = "Europe/Moscow";

export interface Session {
  me: Me;
  locale: Locale;
  theme: ThemeName;
  inTeams: boolean;
  /** True for "mentor", "moderator", "admin"...; an admin also counts as a moderator. */
  hasRole(role: string): boolean;
  /** Reload GET /api/v1/me, for example after the user changed a profile field. */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a SessionProvider above it");
  return session;
}

type State =
  | { status: "starting" }
  | { status: "signin"; config: ClientConfig | null; configProblem: ApiProblem | null; expired: boolean }
  | { status: "loading" }
  | { status: "ready"; me: Me }
  | { status: "failed"; problem: ApiProblem };

function asProblem(error: unknown, t: (key: string) => string): ApiProblem {
  if (error instanceof ApiProblem) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiProblem({ status: 0, code: "client_error", title: t("problem.network"), detail });
}

export function SessionProvider({ host, page, children }: { host: TeamsHost | null; page: string; children: ReactNode }) {
  const { locale, theme } = usePreferences();
  const t = useT();
  const [state, setState] = useState<State>({ status: "starting" });
  const [tokenSource, setTokenSource] = useState<TokenSource | null>(null);
  const localeRef = useRef(locale);
  localeRef.current = locale;

  const showSignIn = useCallback(async (expired: boolean) => {
    try {
      const config = await fetchConfig();
      setState({ status: "signin", config, configProblem: null, expired });
    } catch (error) {
      setState({ status: "signin", config: null, configProblem: asProblem(error, t), expired });
    }
  }, [t]);

  const onSignInRequired = useCallback((problem: ApiProblem) => {
    if (host) {
      setState({ status: "failed", problem });
      return;
    }
    void tokenSource?.signOut();
    setTokenSource(null);
    void showSignIn(true);
  }, [host, tokenSource, showSignIn]);

  const environment: ApiEnvironment = useMemo(
    () => ({ tokenSource, locale, onSignInRequired }),
    [tokenSource, locale, onSignInRequired],
  );

  // Pick the token source once: Teams SSO, a demo session or a Microsoft account.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      if (host) {
        setTokenSource(teamsTokenSource(host.getToken, () => localeRef.current));
        return;
      }
      const demo = demoTokenSource();
      if (demo) {
        setTokenSource(demo);
        return;
      }
      let config: ClientConfig;
      try {
        config = await fetchConfig();
      } catch (error) {
        if (!cancelled) setState({ status: "signin", config: null, configProblem: asProblem(error, t), expired: false });
        return;
      }
      const msal = config.clientId ? await msalTokenSource(config).catch(() => null) : null;
      if (cancelled) return;
      if (msal && page !== "signin") setTokenSource(msal);
      else setState({ status: "signin", config, configProblem: null, expired: false });
    })();
    return () => {
      cancelled = true;
    };
  }, [host, page, t]);

  const loadMe = useCallback(async () => {
    if (!tokenSource) return;
    setState((current) => (current.status === "ready" ? current : { status: "loading" }));
    try {
      const me = await createApi(environment).get<Me>("/me");
      setState({ status: "ready", me });
    } catch (error) {
      // Outside Teams onSignInRequired has already shown the sign-in page.
      if (error instanceof ApiProblem && error.status === 401 && !host) return;
      setState({ status: "failed", problem: asProblem(error, t) });
    }
    // The environment also changes with the locale, which needs no reload of /me.
  }, [tokenSource]);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  const signOut = useCallback(async () => {
    await tokenSource?.signOut();
    setTokenSource(null);
    await showSignIn(false);
  }, [tokenSource, showSignIn]);

  const session = useMemo<Session | null>(() => {
    if (state.status !== "ready") return null;
    const roles = new Set(state.me.roles);
    return {
      me: { ...state.me, timeZone: state.me.timeZone || DEFAULT_TIME_ZONE },
      locale,
      theme,
      inTeams: host !== null,
      hasRole: (role: string) => roles.has(role) || (role === "moderator" && roles.has("admin")),
      refresh: loadMe,
      signOut,
    };
  }, [state, locale, theme, host, loadMe, signOut]);

  const onSignedIn = useCallback((source: TokenSource) => {
    setTokenSource(source);
  }, []);

  let content: ReactNode;
  switch (state.status) {
    case "starting":
    case "loading":
      content = <Loading fullPage />;
      break;
    case "signin":
      content = (
        <SignInPage
          config={state.config}
          configProblem={state.configProblem}
          expired={state.expired}
          onRetry={() => void showSignIn(state.expired)}
          onSignedIn={onSignedIn}
          page={page}
        />
      );
      break;
    case "failed":
      content = (
        <PageLayout title={t("app.name")}>
          <ProblemBanner
            problem={state.problem}
            onRetry={() => void loadMe()}
          />
        </PageLayout>
      );
      break;
    case "ready":
      content = children;
      break;
  }

  return (
    <ApiEnvironmentContext.Provider value={environment}>
      <SessionContext.Provider value={session}>{content}</SessionContext.Provider>
    </ApiEnvironmentContext.Provider>
  );
}
