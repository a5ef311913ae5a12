// `npm run build` (and `prepack`, so `npm pack` always ships fresh output): ESM JavaScript and .d.ts files for
// src/ and the CLI into dist/, with tsc (tsconfig.build.json). package.json `exports` and `bin` are written from
// scripts/entry-points.ts (by `npm run build`; under `npm pack` a difference fails instead), then every target is
// checked to exist, so a typo fails here and not in a user's project.

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { binField, exportsField } from "./entry-points.ts";

const root = resolve(import.meta.dir, "..");

function fail(message: string): never {
  console.error(`build: ${message}`);
  process.exit(1);
}

// A stale file from a deleted source must not ship.
rmSync(join(root, "dist"), { recursive: true, force: true });

// tsc is plain JavaScript: run it with the Bun running this script, so building needs no Node.
const tsc = Bun.spawnSync([process.execPath, join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], {
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
});
if (tsc.exitCode !== 0) fail(`tsc -p tsconfig.build.json exited with ${tsc.exitCode}`);

const manifestPath = join(root, "package.json");
const text = readFileSync(manifestPath, "utf8");
const manifest = JSON.parse(text) as Record<string, unknown>;
manifest.exports = exportsField();
manifest.bin = binField();
const updated = `${JSON.stringify(manifest, null, 2)}\n`;
if (updated !== text) {
  // Never rewrite the manifest while npm packs it: fail, so the drift is fixed and committed instead.
  if (process.env.npm_lifecycle_event === "prepack") {
    fail("package.json exports/bin differ from scripts/entry-points.ts: run `npm run build` and commit package.json");
  }
  writeFileSync(manifestPath, updated);
  console.log("build: package.json exports/bin updated from scripts/entry-points.ts");
}

const targets = [
  ...Object.values(exportsField()).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target))),
  ...Object.values(binField()),
];
const missing = targets.filter((target) => !existsSync(join(root, target)));
if (missing.length > 0) fail(`package.json points at files the build did not emit: ${missing.join(", ")}`);
for (const bin of Object.values(binField())) {
  if (!readFileSync(join(root, bin), "utf8").startsWith("#!/usr/bin/env bun\n")) fail(`${bin} lost its #!/usr/bin/env bun line`);
}
console.log(`build: dist/ ready (${targets.length} package.json targets checked)`);
