// A user's project outside the repository: `npm pack` the package, install the tarball into a fresh directory under
// os.tmpdir() with the peers and tools a user would add (pinned to this repository's lockfile), and run commands
// there. Used by consumer.test.ts and test/create; `--prefer-offline` reuses the npm cache that `npm ci` filled.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { runScratch } from "../support/scratch.ts";

export const ROOT = resolve(import.meta.dir, "../..");
const FIXTURE = join(import.meta.dir, "fixture");

/** Runs with Bun's own directory first on PATH, so `#!/usr/bin/env bun` (the CLI) finds the Bun running the tests. */
const PATH = [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(cmd: string[], cwd: string): Promise<Run> {
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, PATH }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Starts a long-running command (a server) with `env` added; read its output with `waitFor`. */
export function start(cmd: string[], cwd: string, env: Record<string, string> = {}) {
  return Bun.spawn(cmd, { cwd, env: { ...process.env, PATH, ...env }, stdout: "pipe", stderr: "pipe" });
}

/** Reads `stream` until a line matches; throws with everything printed if the stream ends first. */
export async function waitFor(stream: ReadableStream<Uint8Array>, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  let seen = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    seen += decoder.decode(chunk.value, { stream: true });
    const match = seen.match(pattern);
    if (match) {
      reader.releaseLock(); // the process keeps its pipe; later output is simply not read
      return match;
    }
  }
  throw new Error(`${what} exited before printing ${pattern}; it printed:\n${seen}`);
}

function describe(result: Run): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim();
}

// Why an install could not reach the registry (no network): the test skips and says so instead of failing.
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED)\b/;

export class Offline extends Error {}

type Lockfile = { packages: Record<string, { version?: string; name?: string } | undefined> };
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as Lockfile;

/** `name@version` as this repository's lockfile pins it; `alias` installs it under another name (`typescript7`). */
export function locked(name: string, alias?: string): string {
  const entry = lock.packages[`node_modules/${alias ?? name}`];
  if (entry?.version === undefined) throw new Error(`package-lock.json has no node_modules/${alias ?? name}: add it to devDependencies`);
  return alias === undefined ? `${name}@${entry.version}` : `${alias}@npm:${name}@${entry.version}`;
}

export interface Packed {
  tarball: string;
  files: string[];
}

/** `npm pack` (its `prepack` builds) of the package in `from` (default: bunwire) into `dir`; returns the tarball's path and the files it holds. */
export async function pack(dir: string, from: string = ROOT): Promise<Packed> {
  const result = await oneAtATime(from, () => run(["npm", "pack", "--json", "--pack-destination", dir], from));
  if (result.code !== 0) throw new Error(`npm pack failed: ${describe(result)}`);
  // npm may print the prepack script's output before the JSON, which starts on a line of its own.
  const json = JSON.parse(result.stdout.slice(Math.max(0, result.stdout.search(/^\[/m)))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const info = json[0]!;
  return { tarball: join(dir, info.filename), files: info.files.map((file) => file.path) };
}

/**
 * `npm pack` runs prepack, which rebuilds the package's dist/ in place: two packs of one folder at once (test files
 * in parallel workers, `bun test --parallel`) would ship each other's half-written output. A lock folder per
 * package folder, taken with mkdir (atomic), keeps them one at a time across processes.
 */
async function oneAtATime<T>(from: string, work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `bunwire-pack-${Bun.hash(from).toString(16)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      // A lock left behind by a killed run is older than any pack takes.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      else await Bun.sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let bunwireTarball: Promise<Packed> | undefined;

/**
 * bunwire's tarball, packed once per `bun test` run (every test file runs in one process, so consumer.test.ts and
 * test/create share it) into a folder removed when the run ends (test/support/scratch.ts). Packed again if that
 * folder is gone, as it is when a run does not preload scratch.ts and its afterAll ends with the first file.
 */
export async function packedBunwire(): Promise<Packed> {
  bunwireTarball ??= pack(runScratch("bunwire-pack-"));
  const packed = await bunwireTarball;
  if (existsSync(packed.tarball)) return packed;
  bunwireTarball = undefined;
  return packedBunwire();
}

/** A fresh project directory under os.tmpdir() holding the fixture files (server, client, component, tsconfigs). */
export function project(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "bunwire-consumer", private: true, type: "module" }, null, 2)}\n`);
  return dir;
}

/** `npm install` into `dir`; throws `Offline` when the registry cannot be reached. */
export async function install(dir: string, specs: string[], flags: string[] = []): Promise<void> {
  const result = await run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", ...flags, ...specs], dir);
  if (result.code === 0) return;
  const offline = result.stderr.match(OFFLINE);
  if (offline) throw new Offline(`npm install could not reach the registry (${offline[1]}), and the npm cache lacks some packages`);
  throw new Error(`npm install ${specs.join(" ")} failed: ${describe(result)}`);
}

export async function npmVersion(): Promise<string | undefined> {
  try {
    const result = await run(["npm", "--version"], ROOT);
    return result.code === 0 ? result.stdout.trim() : undefined;
  } catch {
    return undefined; // not on PATH
  }
}
