// Entry point of the tabs bundle. The server's shell page provides
// <div id="root" data-page="news" data-host-origins="[...]">.
import { RendererProvider, createDOMRenderer } from "@fluentui/react-components";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { fetchConfig } from "./auth";

function readOrigins(raw: string | undefined): string[] {
  try {
    const value: unknown = JSON.parse(raw ?? "[]");
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

// Outside Teams the sign-in page needs the configuration right after the
// detection timeout, so request it now (a failure is retried later).
fetchConfig().catch(() => undefined);

const root = document.getElementById("root");
if (!root) throw new Error("the shell page has no #root element");
const page = root.dataset.page ?? "";
const hostOrigins = readOrigins(root.dataset.hostOrigins);
// Fluent UI writes its styles into <style> elements; a CSP nonce lets them in.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;
const renderer = createDOMRenderer(document, nonce ? { styleElementAttributes: { nonce } } : undefined);

createRoot(root).render(
  <StrictMode>
    <RendererProvider renderer={renderer} targetDocument={document}>
      <App page={page} hostOrigins={hostOrigins} />
    </RendererProvider>
  </StrictMode>,
);
