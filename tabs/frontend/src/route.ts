// Hash routes inside a tab ("#/entries/12?tab=files"), so the server serves
// one shell per tab and deep links still work.
import { useCallback, useEffect, useState } from "react";

export interface Route {
  /** The path after "#", always starting with "/" ("/" when the hash is empty). */
  path: string;
  /** Query parameters after "?" in the hash. */
  params: URLSearchParams;
  navigate(path: string, options?: { replace?: boolean }): void;
  /** Return the named segments of `pattern` ("/entries/:id") if the path matches it. */
  match(pattern: string): Record<string, string> | null;
}

export function parseHash(hash: string): { path: string; params: URLSearchParams } {
  const raw = hash.replace(/^#/, "");
  const question = raw.indexOf("?");
  const pathPart = question >= 0 ? raw.slice(0, question) : raw;
  const query = question >= 0 ? raw.slice(question + 1) : "";
  const path = pathPart.startsWith("/") ? pathPart : `/${pathPart}`;
  return { path, params: new URLSearchParams(query) };
}

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split("/").filter(Boolean);
  const pathParts = path.split("/").filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const result: Record<string, string> = {};
  for (let index = 0; index < patternParts.length; index++) {
    const expected = patternParts[index];
    const actual = decodeURIComponent(pathParts[index]);
    if (expected.startsWith(":")) result[expected.slice(1)] = actual;
    else if (expected !== actual) return null;
  }
  return result;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = `#${path.startsWith("/") ? path : `/${path}`}`;
  if (options.replace) {
    history.replaceState(history.state, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  const { path, params } = parseHash(hash);
  const match = useCallback((pattern: string) => matchPath(pattern, path), [path]);
  return { path, params, navigate, match };
}
