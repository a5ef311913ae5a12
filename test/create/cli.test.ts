// create-bunwire's command line, run in-process from its sources: what it writes, the bunwire dependency it
// writes, and a clear error (exit 1, nothing written) for every bad input. create.test.ts runs the packed CLI.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBunwire, USAGE, VERSION } from "../../packages/create-bunwire/src/main.ts";
import { DEPENDENCIES, DEV_DEPENDENCIES } from "../../packages/create-bunwire/src/versions.ts";
import { locked, ROOT } from "../package/project.ts";

const cwd = realpathSync(mkdtempSync(join(tmpdir(), "bunwire-create-cli-")));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function create(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = createBunwire(argv, { cwd, log: (text) => out.push(text), error: (text) => err.push(text) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function manifestOf(dir: string): { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(cwd, dir, "package.json"), "utf8"));
}

test("--help and --version; create-bunwire's version is bunwire's", () => {
  expect(create("--help")).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  expect(create("-v")).toEqual({ code: 0, stdout: VERSION, stderr: "" });
  expect(VERSION).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
});

test("by default the project depends on the registry's bunwire, ^ this version", () => {
  const result = create("registry-app");
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("cd registry-app\n  npm install\n  npm start");
  expect(manifestOf("registry-app").dependencies.bunwire).toBe(`^${VERSION}`);
  expect(readdirSync(join(cwd, "registry-app")).sort()).toEqual([".gitignore", "README.md", "package.json", "public", "src", "test", "tsconfig.json"]);
});

test("--bunwire takes a tarball (relative or absolute: written absolute), a version range or an npm spec", () => {
  writeFileSync(join(cwd, "bunwire-9.9.9.tgz"), "not really a tarball");
  expect(create("from-tarball", "--bunwire", "./bunwire-9.9.9.tgz").code).toBe(0);
  expect(manifestOf("from-tarball").dependencies.bunwire).toBe(`file:${join(cwd, "bunwire-9.9.9.tgz")}`);
  expect(create("from-range", "--bunwire=~0.1.2").code).toBe(0);
  expect(manifestOf("from-range").dependencies.bunwire).toBe("~0.1.2");
  expect(create("from-git", "--bunwire", "github:someone/bunwire").code).toBe(0);
  expect(manifestOf("from-git").dependencies.bunwire).toBe("github:someone/bunwire");
});

test("without --, npm keeps --bunwire for itself: its npm_config_bunwire is read (`--bunwire x` and `--bunwire=x`)", () => {
  const quiet = { cwd, log: () => {}, error: () => {} };
  writeFileSync(join(cwd, "bunwire-8.8.8.tgz"), "not really a tarball");
  // `npm exec ... create-bunwire via-npm --bunwire ./bunwire-8.8.8.tgz`: npm sets "true" and passes the path on.
  expect(createBunwire(["via-npm", "./bunwire-8.8.8.tgz"], { ...quiet, npmBunwire: "true" })).toBe(0);
  expect(manifestOf("via-npm").dependencies.bunwire).toBe(`file:${join(cwd, "bunwire-8.8.8.tgz")}`);
  expect(createBunwire(["via-npm-equals"], { ...quiet, npmBunwire: "^0.2.0" })).toBe(0);
  expect(manifestOf("via-npm-equals").dependencies.bunwire).toBe("^0.2.0");
  // The order npm leaves them in says nothing: the spec is the one that looks like one, before or after the directory.
  expect(createBunwire(["0.1.0", "spec-first"], { ...quiet, npmBunwire: "true" })).toBe(0);
  expect(manifestOf("spec-first").dependencies.bunwire).toBe("0.1.0");
  expect(createBunwire(["./bunwire-8.8.8.tgz"], { ...quiet, npmBunwire: "true" })).toBe(0);
  expect(manifestOf("bunwire-app").dependencies.bunwire).toBe(`file:${join(cwd, "bunwire-8.8.8.tgz")}`);
  const errors: string[] = [];
  expect(createBunwire(["one-app", "other-app"], { ...quiet, error: (text) => errors.push(text), npmBunwire: "true" })).toBe(1);
  expect(errors.join()).toContain("cannot say which of one-app, other-app is its value: write --bunwire=<spec>");
});

test("under `bun create` the next steps say bun", () => {
  const out: string[] = [];
  createBunwire(["bun-app"], { cwd, log: (text) => out.push(text), error: () => {}, userAgent: "bun/1.4.4 npm/? node/v24.3.0 linux x64" });
  expect(out.join("\n")).toContain("bun install\n  bun run start");
});

test("bad input: a clear error, exit 1, and nothing written", () => {
  mkdirSync(join(cwd, "taken"));
  writeFileSync(join(cwd, "taken", "keep.txt"), "mine");
  const cases: Array<[string[], string]> = [
    [["taken"], "taken already exists and is not an empty folder"],
    [["Bad Name!"], `"Bad Name!" cannot name an npm package`],
    [["missing-tarball", "--bunwire", "../nowhere/bunwire-0.1.0.tgz"], "--bunwire ../nowhere/bunwire-0.1.0.tgz: no such file"],
    [["bad-range", "--bunwire", "$(rm -rf)"], "expected a version range"],
    [["two", "dirs"], "one directory, got 2: two dirs"],
    [["unknown-flag", "--template", "react"], "Unknown option '--template'"],
    [["no-value", "--bunwire"], "Option '--bunwire <value>' argument missing"],
  ];
  for (const [argv, message] of cases) {
    const result = create(...argv);
    expect({ argv, code: result.code, stdout: result.stdout }).toEqual({ argv, code: 1, stdout: "" });
    expect(result.stderr).toStartWith("create-bunwire: ");
    expect(result.stderr).toContain(message);
  }
  expect(readdirSync(join(cwd, "taken"))).toEqual(["keep.txt"]);
  for (const dir of ["Bad Name!", "missing-tarball", "bad-range", "two", "unknown-flag", "no-value"]) expect(existsSync(join(cwd, dir))).toBe(false);
});

test("a folder it cannot write (here: under a file) gets the system's reason, exit 1, no stack", () => {
  writeFileSync(join(cwd, "a-file"), "");
  const result = create("a-file/app");
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^create-bunwire: ENOTDIR/);
});

test("the project's dependencies are the versions this repository tests (package-lock.json)", () => {
  // The project installs TypeScript 7, which this repository has under its alias.
  const lockedAs: Record<string, string> = { typescript: "typescript7" };
  for (const [name, range] of Object.entries({ ...DEPENDENCIES, ...DEV_DEPENDENCIES })) {
    const version = locked(name, lockedAs[name]).split("@").at(-1);
    expect(`${name} ${range.replace(/^[\^~]/, "")}`).toBe(`${name} ${version}`);
  }
});
