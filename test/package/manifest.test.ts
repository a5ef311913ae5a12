// package.json as published: `exports` and `bin` match scripts/entry-points.ts (the build writes them from it), every
// entry point has a source, optional peers are declared, and `files` ships only the build. consumer.test.ts checks
// the packed result in a real project; this file fails fast, without npm, when the manifest drifts.

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { binField, BINARIES, ENTRY_POINTS, exportsField } from "../../scripts/entry-points.ts";

const ROOT = join(import.meta.dir, "../..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: unknown;
  bin: unknown;
  files: string[];
  scripts: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

test("package.json exports and bin are the ones scripts/entry-points.ts gives (run `npm run build` after editing it)", () => {
  expect(manifest.exports).toEqual(exportsField());
  expect(manifest.bin).toEqual(binField());
});

test("every documented entry point is exported and has its source", () => {
  const documented = [".", "./router", "./fs", "./gateway", "./client", "./client/msgpack", "./react", "./redis", "./nats"];
  for (const subpath of documented) expect(Object.keys(ENTRY_POINTS)).toContain(subpath);
  for (const module of Object.values(ENTRY_POINTS)) expect(existsSync(join(ROOT, "src", `${module}.ts`))).toBe(true);
  for (const file of Object.values(BINARIES)) expect(existsSync(join(ROOT, `${file}.ts`))).toBe(true);
});

test("ioredis, nats, react and prom-client are optional peers, and devDependencies for the tests", () => {
  for (const peer of ["ioredis", "nats", "react", "prom-client"]) {
    expect(manifest.peerDependencies[peer]).toBeString();
    expect(manifest.peerDependenciesMeta[peer]).toEqual({ optional: true });
    expect(manifest.devDependencies[peer]).toBeString();
  }
});

test("npm pack builds first and ships only the build, README and LICENSE", () => {
  expect(manifest.scripts.prepack).toBe(manifest.scripts.build);
  expect(manifest.files).toEqual(["dist", "!dist/bin/*.d.ts", "README.md", "LICENSE"]);
  expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toStartWith("MIT License");
});

test("TypeScript 5.9 is `typescript`, TypeScript 7 the aliased `typescript7`, and typecheck runs both", () => {
  expect(manifest.devDependencies.typescript).toStartWith("~5.9");
  expect(manifest.devDependencies.typescript7).toMatch(/^npm:typescript@7\.\d+\.\d+$/);
  expect(manifest.scripts.typecheck).toContain("node_modules/typescript/bin/tsc");
  expect(manifest.scripts.typecheck).toContain("node_modules/typescript7/bin/tsc");
});

test("README's Compatibility paragraph names the versions the lockfile pins (the ones consumer.test.ts installs)", () => {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const version = (path: string) => lock.packages[`node_modules/${path}`]?.version ?? `(${path} missing from the lockfile)`;
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const compatibility = readme.slice(readme.indexOf("## Compatibility"), readme.indexOf("\n## ", readme.indexOf("## Compatibility") + 1));
  expect(compatibility).toContain(`Bun ${version("bun")}`);
  expect(version("@types/bun")).toBe(version("bun"));
  expect(compatibility).toContain(`TypeScript ${version("typescript")} and ${version("typescript7")}`);
  for (const name of ["React", "ioredis", "nats", "zod", "prom-client"]) expect(compatibility).toContain(`${name} ${version(name.toLowerCase())}`);
});
