// Check the message catalogs in src/i18n/ before every build:
// - each catalog file exports {en, ru} with the same keys and placeholders,
// - a plural group "<key>.<category>" has every category of each language,
// - index.ts imports every catalog,
// - every literal key passed to t("...") in src/ exists.
// Prints each problem and exits with status 1 when there is any.
// Usage: node scripts/check-i18n.mjs [front-end folder, by default this one]
import * as esbuild from "esbuild";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const catalogDir = path.join(root, "src", "i18n");
const LOCALES = ["en", "ru"];
const PLURAL_CATEGORIES = ["zero", "one", "two", "few", "many", "other"];
const problems = [];

async function loadCatalog(file) {
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  const module = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
  return module.default;
}

function placeholders(text) {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort().join(",");
}

// Split keys into plain keys and plural groups ("a.b.one" -> group "a.b").
function shape(messages) {
  const plain = new Set();
  const groups = new Map();
  for (const key of Object.keys(messages)) {
    const dot = key.lastIndexOf(".");
    const suffix = key.slice(dot + 1);
    if (dot > 0 && PLURAL_CATEGORIES.includes(suffix)) {
      const group = key.slice(0, dot);
      if (!groups.has(group)) groups.set(group, new Set());
      groups.get(group).add(suffix);
    } else {
      plain.add(key);
    }
  }
  return { plain, groups };
}

function checkCatalog(name, catalog, allKeys) {
  for (const locale of LOCALES) {
    if (!catalog || typeof catalog[locale] !== "object") {
      problems.push(`${name}: the default export has no "${locale}" object`);
      return;
    }
  }
  const shapes = Object.fromEntries(LOCALES.map((locale) => [locale, shape(catalog[locale])]));
  for (const locale of LOCALES) {
    const messages = catalog[locale];
    for (const [key, text] of Object.entries(messages)) {
      if (typeof text !== "string" || text.trim() === "") {
        problems.push(`${name}: ${locale} "${key}" is empty or not a string`);
      }
      allKeys.add(key);
    }
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const [group, present] of shapes[locale].groups) {
      allKeys.add(group);
      for (const category of categories) {
        if (!present.has(category)) {
          problems.push(`${name}: ${locale} plural "${group}" lacks "${group}.${category}"`);
        }
      }
    }
    for (const other of LOCALES) {
      if (other === locale) continue;
      for (const key of shapes[locale].plain) {
        if (!shapes[other].plain.has(key)) {
          problems.push(`${name}: "${key}" exists in ${locale} but is missing in ${other}`);
        } else if (locale < other && placeholders(messages[key]) !== placeholders(catalog[other][key])) {
          problems.push(`${name}: "${key}" has different {placeholders} in ${locale} and ${other}`);
        }
      }
      for (const group of shapes[locale].groups.keys()) {
        if (!shapes[other].groups.has(group)) {
          problems.push(`${name}: plural "${group}" exists in ${locale} but is missing in ${other}`);
        }
      }
    }
  }
}

async function sourceFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (/\.(ts|tsx)$/.test(entry.name)) files.push(full);
  }
  return files;
}

const allKeys = new Set();
const catalogFiles = (await readdir(catalogDir)).filter(
  (file) => /\.ts$/.test(file) && file !== "index.ts",
);
const index = await readFile(path.join(catalogDir, "index.ts"), "utf8");
for (const file of catalogFiles) {
  const name = `src/i18n/${file}`;
  const stem = file.replace(/\.ts$/, "");
  if (!new RegExp(`from\\s+["']\\./${stem}["']`).test(index)) {
    problems.push(`${name}: not imported in src/i18n/index.ts, so the app never sees its texts`);
  }
  checkCatalog(name, await loadCatalog(path.join(catalogDir, file)), allKeys);
}

// Literal keys in t("key") and t("key", {...}) calls.
for (const file of await sourceFiles(path.join(root, "src"))) {
  const text = await readFile(file, "utf8");
  for (const match of text.matchAll(/\bt\(\s*["']([A-Za-z0-9_.-]+)["']/g)) {
    if (!allKeys.has(match[1])) {
      const line = text.slice(0, match.index).split("\n").length;
      problems.push(`${path.relative(root, file)}:${line}: t("${match[1]}") has no text in any catalog`);
    }
  }
}

if (problems.length > 0) {
  console.error(`i18n check failed with ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`i18n check passed: ${catalogFiles.length} catalogs, ${allKeys.size} keys`);
