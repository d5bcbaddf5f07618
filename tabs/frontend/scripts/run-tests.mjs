// Run the unit tests in tests/*.test.ts with node:test. esbuild bundles
// each file first (TypeScript and JSX), into a temporary folder.
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const testDir = path.join(root, "tests");
const files = (await readdir(testDir)).filter((name) => name.endsWith(".test.ts"));
const outdir = await mkdtemp(path.join(tmpdir(), "tabs-tests-"));
try {
  await esbuild.build({
    entryPoints: files.map((name) => path.join(testDir, name)),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    jsx: "automatic",
    logLevel: "warning",
  });
  const outputs = files.map((name) => path.join(outdir, name.replace(/\.ts$/, ".mjs")));
  const result = spawnSync(process.execPath, ["--test", ...outputs], { stdio: "inherit" });
  process.exitCode = result.status ?? 1;
} finally {
  await rm(outdir, { recursive: true, force: true });
}
