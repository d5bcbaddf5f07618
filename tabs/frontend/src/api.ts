// The JSON API client: useApi() returns get/post/put/patch/del/upload/download
// bound to the signed-in user. Every call sends the bearer token and
// Accept-Language, and every failure is thrown as an ApiProblem.
import { createContext, useContext, useMemo } from "react";
import type { TokenSource } from "./auth";
import { translate, type Locale } from "./i18n";

export const API_BASE = "/api/v1";

/** One invalid field of a 422 problem; `message` is already in the user's language. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
  limit?: number | string;
  actual?: number | string;
}

/**
 * An error response in the application/problem+json form, or a failure
 * that never reached the server (status 0, code "network_error").
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[];

  constructor(fields: { status: number; code: string; title: string; detail: string; errors?: FieldProblem[] }) {
    super(`${fields.status} ${fields.code}: ${fields.detail}`);
    this.name = "ApiProblem";
    this.status = fields.status;
    this.code = fields.code;
    this.title = fields.title;
    this.detail = fields.detail;
    this.errors = fields.errors ?? [];
  }

  /** Return the message for one field, if the server rejected it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  signal?: AbortSignal;
}

export interface Api {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  del<T = void>(path: string, options?: RequestOptions): Promise<T>;
  /** Send a multipart/form-data body (POST unless `method` says PUT). */
  upload<T>(path: string, form: FormData, options?: RequestOptions & { method?: "POST" | "PUT" }): Promise<T>;
  /** Fetch a non-JSON answer (CSV, iCalendar) as a Blob with its file name. */
  download(path: string, options?: RequestOptions): Promise<{ blob: Blob; filename: string | null }>;
}

/** What the API client needs from the session; SessionProvider supplies it. */
export interface ApiEnvironment {
  tokenSource: TokenSource | null;
  locale: Locale;
  /** Called when the server rejects the user even with a fresh token. */
  onSignInRequired(problem: ApiProblem): void;
}

export const ApiEnvironmentContext = createContext<ApiEnvironment | null>(null);

export function buildUrl(path: string, query?: Query): string {
  const url = new URL(API_BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      for (const item of value) url.searchParams.append(name, String(item));
    } else {
      url.searchParams.set(name, String(value));
    }
  }
  return url.pathname + url.search;
}

async function problemFrom(response: Response, locale: Locale): Promise<ApiProblem> {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      const body = (await response.json()) as Partial<ApiProblem> & { errors?: FieldProblem[] };
      if (body && typeof body.code === "string") {
        return new ApiProblem({
          status: response.status,
          code: body.code,
          title: body.title ?? response.statusText,
          detail: body.detail ?? body.title ?? "",
          errors: Array.isArray(body.errors) ? body.errors : [],
        });
      }
    } catch {
      // Not the problem format: fall through to the generic problem.
    }
  }
  const detail = translate(locale, "problem.unexpected", { status: response.status });
  return new ApiProblem({ status: response.status, code: `http_${response.status}`, title: response.statusText, detail });
}

function networkProblem(locale: Locale): ApiProblem {
  const detail = translate(locale, "problem.network");
  return new ApiProblem({ status: 0, code: "network_error", title: detail, detail });
}

/** Send one request; on a 401 retry once with a fresh token, then ask for sign-in. */
export async function sendRequest(
  environment: ApiEnvironment,
  method: string,
  path: string,
  body: BodyInit | undefined,
  contentType: string | undefined,
  options: RequestOptions = {},
): Promise<Response> {
  const { tokenSource, locale } = environment;
  const url = buildUrl(path, options.query);

  const attempt = async (fresh: boolean): Promise<{ response: Response; hadToken: boolean }> => {
    const token = tokenSource ? await tokenSource.getToken(fresh) : null;
    const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": locale };
    if (contentType) headers["Content-Type"] = contentType;
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      const response = await fetch(url, { method, headers, body, signal: options.signal, credentials: "same-origin" });
      return { response, hadToken: Boolean(token) };
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw networkProblem(locale);
    }
  };

  let { response, hadToken } = await attempt(false);
  if (response.status === 401 && hadToken) {
    ({ response, hadToken } = await attempt(true));
  }
  if (response.ok) return response;
  const problem = await problemFrom(response, locale);
  if (response.status === 401) environment.onSignInRequired(problem);
  throw problem;
}

async function parseJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function filenameOf(response: Response): string | null {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

export function createApi(environment: ApiEnvironment): Api {
  const json = async <T>(method: string, path: string, body: unknown, options?: RequestOptions) => {
    const encoded = body === undefined ? undefined : JSON.stringify(body);
    const response = await sendRequest(environment, method, path, encoded, encoded ? "application/json" : undefined, options);
    return parseJson<T>(response);
  };
  return {
    get: (path, options) => json("GET", path, undefined, options),
    post: (path, body, options) => json("POST", path, body ?? {}, options),
    put: (path, body, options) => json("PUT", path, body ?? {}, options),
    patch: (path, body, options) => json("PATCH", path, body ?? {}, options),
    del: (path, options) => json("DELETE", path, undefined, options),
    async upload(path, form, options) {
      // The browser sets the multipart boundary itself.
      const response = await sendRequest(environment, options?.method ?? "POST", path, form, undefined, options);
      return parseJson(response);
    },
    async download(path, options) {
      const response = await sendRequest(environment, "GET", path, undefined, undefined, options);
      return { blob: await response.blob(), filename: filenameOf(response) };
    },
  };
}

export function useApi(): Api {
  const environment = useContext(ApiEnvironmentContext);
  if (!environment) throw new Error("useApi() needs a SessionProvider above it");
  return useMemo(() => createApi(environment), [environment]);
}
