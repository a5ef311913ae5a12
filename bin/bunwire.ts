#!/usr/bin/env bun
// The `bunwire` command: `bunwire serve <dir> [--port 3000] [--hostname 0.0.0.0] [--watch]` serves a file-routes
// directory (`<dir>/ws/**/route.ts`, `<dir>/sockets/**/route.ts`). Prints the URL it listens on.

import { watch } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BunwireError } from "../src/engine/index.ts";
import { fileRoutes } from "../src/fs/file-routes.ts";

const USAGE = `Usage: bunwire serve <dir> [options]

Serves the file routes in <dir>: <dir>/ws/<path>/route.ts at /ws/<path> ([id] folders are params),
<dir>/sockets/<path>/route.ts (typed protocols) at /sockets/<path>.

Options:
  -p, --port <n>         port to listen on (default: $PORT or 3000; 0 picks a free one)
  -H, --hostname <host>  interface to listen on (default: all)
  -w, --watch            restart when a file under <dir> changes: edited, added or removed routes (development)
  -h, --help             show this help`;

function fail(message: string, code = 2): never {
  console.error(`bunwire: ${message}\n\n${USAGE}`);
  process.exit(code);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: "string", short: "p" },
        hostname: { type: "string", short: "H" },
        watch: { type: "boolean", short: "w" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const { values, positionals } = parse(process.argv.slice(2));
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, dir, ...extra] = positionals;
if (command === undefined) fail("missing command");
if (command !== "serve") fail(`unknown command "${command}"`);
if (dir === undefined) fail("serve needs a directory, e.g. bunwire serve ./app");
if (extra.length > 0) fail(`unexpected argument "${extra[0]}"`);

const portText = values.port ?? process.env.PORT ?? "3000";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`--port must be a number from 0 to 65535, got "${portText}"`);

if (values.watch && process.env.BUNWIRE_WATCHING !== "1") {
  // Development: serve from a child process and start a fresh one whenever a file under <dir> changes, so edited,
  // added and removed route files are all picked up (module caches die with the process).
  const args = [import.meta.path, ...process.argv.slice(2).filter((a) => a !== "--watch" && a !== "-w")];
  const start = () => Bun.spawn([process.execPath, ...args], { stdio: ["inherit", "inherit", "inherit"], env: { ...process.env, BUNWIRE_WATCHING: "1" } });
  let child = start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(resolve(dir), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      console.log("bunwire: change detected, restarting");
      child.kill("SIGTERM");
      await child.exited;
      child = start();
    }, 100); // editors write a file in several steps: restart once they are done
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      child.kill(signal);
      void child.exited.then(() => process.exit(0));
    });
  }
  await new Promise(() => {}); // keep watching until a signal arrives
}

let files;
try {
  files = await fileRoutes(resolve(dir));
} catch (error) {
  if (error instanceof BunwireError) {
    console.error(`bunwire: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

let server;
try {
  // Quiet: the CLI prints its own lines below (the routes, then where it serves them).
  server = files.listen({ port, hostname: values.hostname, quiet: true });
} catch (error) {
  console.error(`bunwire: cannot listen on ${values.hostname ?? "*"}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

for (const route of files.routes) console.log(`  WS ${route.path}  ${route.file}`);
console.log(`bunwire: serving ${resolve(dir)} on ${server.url}`);

// SIGTERM / SIGINT: stop accepting, 1001 to every socket, handlers finish (up to shutdownTimeout), exit 0.
files.closeOnSignals();
