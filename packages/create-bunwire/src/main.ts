// The command line: reads the arguments, scaffolds, and prints the next steps. `cli.ts` runs it; the tests call
// `createBunwire` in-process with their own output.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CreateError } from "./errors.ts";
import { scaffold } from "./scaffold.ts";

export const USAGE = `Usage: create-bunwire [directory] [--bunwire <version | path to bunwire-x.y.z.tgz>]

Creates a bunwire chat in <directory> (default: bunwire-app): a server with a typed protocol, a browser page,
a test, and npm start / npm test.

  --bunwire <spec>   the bunwire dependency: a version range (default: ^<this version>), or a local tarball
                     made by \`npm pack\` in a bunwire checkout
  -h, --help         this help
  -v, --version      create-bunwire's version

Through npm, options may go after --: npm create bunwire my-app -- --bunwire ../bunwire-0.1.0.tgz`;

export const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

export interface Output {
  cwd: string;
  log(text: string): void;
  error(text: string): void;
  /** `npm_config_user_agent`: under `bun create` the next steps say bun. */
  userAgent?: string;
  /**
   * `npm_config_bunwire`: without `--`, npm takes `--bunwire` for its own setting. `--bunwire=x` arrives here as
   * "x"; `--bunwire x` as "true", with x left among the positionals.
   */
  npmBunwire?: string;
}

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export function createBunwire(argv: string[], output: Output): number {
  try {
    return run(argv, output);
  } catch (error) {
    // A folder it may not write (EACCES, EROFS, ENOSPC...) is the machine's answer, not a bug: say it plainly.
    const systemError = typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
    if (!(error instanceof CreateError) && !systemError) throw error;
    output.error(`create-bunwire: ${(error as Error).message}`);
    return 1;
  }
}

/** A tarball, a `host:`/`file:` spec or a version range: what `--bunwire` takes, and no directory name looks like. */
function looksLikeSpec(text: string): boolean {
  return text.endsWith(".tgz") || text.includes(":") || /^(?:[\^~<>=*]|v?\d)/.test(text);
}

/**
 * `--bunwire x` without `--`: npm kept `--bunwire` and left its value among the positionals, in an order npm does
 * not say. The value is the one that looks like a spec; when that does not settle it, ask for `--bunwire=x`.
 */
function specAmong(positionals: string[]): [directories: string[], spec: string] {
  const specs = positionals.filter(looksLikeSpec);
  if (positionals.length >= 1 && positionals.length <= 2 && specs.length === 1) return [positionals.filter((item) => item !== specs[0]), specs[0]!];
  throw new CreateError(
    "INVALID_ARGUMENT",
    `npm kept --bunwire for itself and cannot say which of ${positionals.length === 0 ? "no arguments" : positionals.join(", ")} is its value: write --bunwire=<spec>, or put the options after -- (npm create bunwire my-app -- --bunwire <spec>)\n\n${USAGE}`,
  );
}

function run(argv: string[], output: Output): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { bunwire: { type: "string" }, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
    });
  } catch (error) {
    // parseArgs names the unknown option or the missing value: pass its words on, then the usage.
    throw new CreateError("INVALID_ARGUMENT", `${(error as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  let positionals = parsed.positionals;
  let bunwire = values.bunwire;
  if (bunwire === undefined && output.npmBunwire !== undefined && output.npmBunwire !== "") {
    if (output.npmBunwire !== "true") bunwire = output.npmBunwire;
    else [positionals, bunwire] = specAmong(positionals);
  }
  if (values.help === true || values.version === true) {
    output.log(values.help === true ? USAGE : VERSION);
    return 0;
  }
  if (positionals.length > 1) throw new CreateError("INVALID_ARGUMENT", `one directory, got ${positionals.length}: ${positionals.join(" ")}\n\n${USAGE}`);

  const directory = positionals[0] ?? "bunwire-app";
  const created = scaffold({ directory, bunwire: bunwire ?? `^${VERSION}`, cwd: output.cwd });
  const bun = (output.userAgent ?? "").startsWith("bun/");
  output.log(`Created ${created.directory}: a bunwire chat (bunwire ${created.bunwire}).

Next:
  cd ${directory}
  ${bun ? "bun install" : "npm install"}
  ${bun ? "bun run start" : "npm start"}     # http://localhost:3000
  ${bun ? "bun run test" : "npm test"}      # tsc --noEmit, then bun test`);
  return 0;
}
