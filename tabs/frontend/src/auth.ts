// Token sources of API requests: Teams SSO, MSAL web sign-in or a demo
// session. Each source can also return a fresh token.
// MSAL is loaded with import() only when web sign-in is configured, so
// Teams and the demo sign-in never download it.
import type { AccountInfo, PublicClientApplication } from "@azure/msal-browser";
import { ApiProblem } from "./api";
import { translate, type Locale } from "./i18n";

/** The public sign-in configuration from GET /api/v1/config. */
export interface ClientConfig {
  clientId: string;
  authority: string;
  apiScope: string;
  demo: boolean;
}

export interface TokenSource {
  kind: "teams" | "msal" | "demo";
  /** Return a token, or null. With `fresh`, request a new one because the server rejected the last. */
  getToken(fresh: boolean): Promise<string | null>;
  signOut(): Promise<void>;
}

export const DEMO_TOKEN_KEY = "mentoring.demoSession";
/** The page MSAL returns to after Microsoft sign-in; register it in Entra as a SPA redirect URI. */
export const SIGNIN_REDIRECT_PATH = "/tabs/signin";

let configRequest: Promise<ClientConfig> | null = null;

/**
 * Return the sign-in configuration. The first call starts the request, and
 * main.tsx makes it while Teams detection runs; a failed request is retried
 * on the next call.
 */
export function fetchConfig(): Promise<ClientConfig> {
  configRequest ??= (async () => {
    const response = await fetch("/api/v1/config", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET /api/v1/config returned HTTP ${response.status}`);
    return (await response.json()) as ClientConfig;
  })();
  configRequest.catch(() => {
    configRequest = null;
  });
  return configRequest;
}

/** Teams SSO. A failed getAuthToken call becomes a 401 problem with code "teams_sso_failed". */
export function teamsTokenSource(getToken: () => Promise<string>, locale: () => Locale): TokenSource {
  return {
    kind: "teams",
    async getToken() {
      try {
        return await getToken();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        console.warn("authentication.getAuthToken failed:", reason);
        const title = translate(locale(), "signin.inTeamsFailedTitle");
        const detail = translate(locale(), "signin.inTeamsFailed");
        throw new ApiProblem({ status: 401, code: "teams_sso_failed", title, detail });
      }
    },
    // Inside Teams the host owns the sign-in.
    signOut: async () => undefined,
  };
}

interface StoredDemoSession {
  token: string;
  expiresAt: string;
}

export function storeDemoSession(session: StoredDemoSession): void {
  sessionStorage.setItem(DEMO_TOKEN_KEY, JSON.stringify(session));
}

/** Return the demo session kept in this tab's sessionStorage, unless it has expired. */
export function demoTokenSource(): TokenSource | null {
  let stored: StoredDemoSession | null = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(DEMO_TOKEN_KEY) ?? "null") as StoredDemoSession | null;
  } catch {
    stored = null;
  }
  if (!stored?.token || Date.parse(stored.expiresAt) <= Date.now()) {
    sessionStorage.removeItem(DEMO_TOKEN_KEY);
    return null;
  }
  const token = stored.token;
  return {
    kind: "demo",
    // A demo session cannot be renewed: a rejected token means signing in again.
    getToken: async (fresh) => (fresh ? null : token),
    signOut: async () => sessionStorage.removeItem(DEMO_TOKEN_KEY),
  };
}

let msalInstance: Promise<PublicClientApplication> | null = null;

/**
 * Create MSAL once per page and finish a sign-in redirect if one is returning.
 *
 * NOTE: the browser tests follow this flow only up to the authorization
 * request sent to Entra. The return through /tabs/signin and the token
 * exchange have not run against a real Entra app registration.
 */
export function msalClient(config: ClientConfig): Promise<PublicClientApplication> {
  if (!msalInstance) {
    msalInstance = (async () => {
      const { PublicClientApplication } = await import("@azure/msal-browser");
      const client = new PublicClientApplication({
        auth: {
          clientId: config.clientId,
          authority: config.authority,
          redirectUri: window.location.origin + SIGNIN_REDIRECT_PATH,
        },
        cache: { cacheLocation: "sessionStorage" },
      });
      await client.initialize();
      const result = await client.handleRedirectPromise({ navigateToLoginRequestUrl: true });
      if (result?.account) client.setActiveAccount(result.account);
      return client;
    })();
  }
  return msalInstance;
}

export async function startMicrosoftSignIn(config: ClientConfig): Promise<void> {
  const client = await msalClient(config);
  await client.loginRedirect({
    scopes: [config.apiScope],
    redirectStartPage: window.location.href,
  });
}

/** Return a token source for the signed-in Microsoft account, or null if there is none. */
export async function msalTokenSource(config: ClientConfig): Promise<TokenSource | null> {
  if (!config.clientId) return null;
  const client = await msalClient(config);
  const account: AccountInfo | null = client.getActiveAccount() ?? client.getAllAccounts()[0] ?? null;
  if (!account) return null;
  client.setActiveAccount(account);
  return {
    kind: "msal",
    async getToken(fresh) {
      try {
        const result = await client.acquireTokenSilent({
          scopes: [config.apiScope],
          account,
          forceRefresh: fresh,
        });
        return result.accessToken;
      } catch (error) {
        const { InteractionRequiredAuthError } = await import("@azure/msal-browser");
        if (error instanceof InteractionRequiredAuthError) return null;
        throw error;
      }
    },
    async signOut() {
      await client.clearCache({ account });
    },
  };
}
