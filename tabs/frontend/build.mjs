// Build the tabs bundle into ../static/build/ with esbuild.
// Usage: node build.mjs [--watch] [--dev].
//
// The entry is app.js. Pages and modules loaded with import() (chart.js, for
// example) become chunks/<name>-<hash>.js, and manifest.json lists the chunks
// that app.js needs at once. Each .js file also gets .gz and .br copies,
// which aiohttp's static files serve to browsers that accept them. The
// server adds a content hash to the app.js URL, so its name stays fixed.
import * as esbuild from "esbuild";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, "..", "static", "build");
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev");

const options = {
  entryPoints: { app: path.join(here, "src", "main.tsx") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  // Teams desktop and mobile embed current Chromium and WebKit web views.
  target: ["chrome110", "edge110", "firefox115", "safari16"],
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  legalComments: "linked",
  metafile: true,
  logLevel: "info",
  define: { "process.env.NODE_ENV": JSON.stringify(dev ? "development" : "production") },
  jsx: "automatic",
};

async function compress(metafile) {
  for (const file of Object.keys(metafile.outputs).filter((name) => name.endsWith(".js"))) {
    const data = await readFile(file);
    await writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
    await writeFile(
      `${file}.br`,
      brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}

// Write manifest.json: the chunks app.js imports statically, which the
// shell page preloads so the browser fetches them in parallel with app.js.
async function writeManifest(metafile, folder) {
  const relative = (file) => path.relative(folder, path.resolve(file)).split(path.sep).join("/");
  const entry = Object.entries(metafile.outputs).find(([file]) => relative(file) === "app.js");
  const preload = entry
    ? entry[1].imports.filter((item) => item.kind === "import-statement").map((item) => relative(item.path))
    : [];
  await writeFile(path.join(folder, "manifest.json"), JSON.stringify({ entry: "app.js", preload }, null, 2));
}

if (watch) {
  await rm(outdir, { recursive: true, force: true });
  const context = await esbuild.context(options);
  await context.watch();
} else {
  // Build into a fresh folder and swap it in, so a failed build keeps the
  // last bundle, the server never serves a half-written one, and old chunks
  // (their names change with their content) do not pile up.
  // node_modules is git-ignored and on the same file system, so rename() works.
  const staging = path.join(here, "node_modules", `.build-new-${process.pid}`);
  const previous = path.join(here, "node_modules", `.build-old-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    const result = await esbuild.build({ ...options, outdir: staging });
    await writeManifest(result.metafile, staging);
    if (!dev) await compress(result.metafile);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rename(outdir, previous).catch((error) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rename(staging, outdir);
  await rm(previous, { recursive: true, force: true });
}
