// Build the tabs bundle into ../static/build/ (app.js and app.css) with esbuild.
// Usage: node build.mjs [--watch] [--dev]. The server adds a content hash to the
// script and style URLs, so the file names stay fixed.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev");

const options = {
  entryPoints: { app: path.join(here, "src", "main.tsx") },
  outdir: path.join(here, "..", "static", "build"),
  bundle: true,
  format: "esm",
  // Teams desktop and mobile embed current Chromium and WebKit web views.
  target: ["chrome110", "edge110", "firefox115", "safari16"],
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  legalComments: "linked",
  logLevel: "info",
  define: { "process.env.NODE_ENV": JSON.stringify(dev ? "development" : "production") },
  jsx: "automatic",
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
