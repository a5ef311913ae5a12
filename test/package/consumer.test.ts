// The package as a user gets it: `npm pack`, installed into a project outside the repository with the peers a user
// adds. Its types compile with skipLibCheck false under TypeScript 5.9 and 7 (server-only and DOM tsconfigs), the
// server and a typed client (JSON and MessagePack) run from node_modules, bunwire/react uses the project's React
// (installed from the tarball and from a path), and the installed CLI serves a file route.
// Needs npm and the registry (or an npm cache filled by `npm ci`); without them it is skipped with the reason.

import { afterAll, expect, test } from "bun:test";
import { lstatSync, readFileSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { install, locked, npmVersion, Offline, packedBunwire, project, ROOT, run, start, waitFor, type Packed } from "./project.ts";

// What a user installs next to bunwire, at the versions this repository tests (package-lock.json).
const PEERS_AND_TOOLS = [
  locked("zod"),
  locked("react"),
  locked("react-dom"),
  locked("@types/react"),
  locked("@types/react-dom"),
  locked("ioredis"),
  locked("nats"),
  locked("prom-client"),
  locked("@types/bun"),
  locked("typescript"),
  locked("typescript", "typescript7"),
];

interface Ready {
  app: string;
  fromPath: string;
  packed: Packed;
}

const dirs: string[] = [];

async function setUp(): Promise<Ready | string> {
  if ((await npmVersion()) === undefined) return "npm is not on PATH";
  const app = project("bunwire-consumer-");
  const fromPath = project("bunwire-from-path-");
  dirs.push(app, fromPath);
  const packed = await packedBunwire();
  try {
    await Promise.all([
      install(app, [packed.tarball, ...PEERS_AND_TOOLS]),
      // "Installed from a path": --install-links copies the checkout (as the tarball does) instead of linking it,
      // so bunwire/react resolves the project's React, not the checkout's own devDependency.
      install(fromPath, [ROOT, locked("zod"), locked("react"), locked("react-dom")], ["--install-links"]),
    ]);
  } catch (error) {
    if (error instanceof Offline) return error.message;
    throw error;
  }
  return { app, fromPath, packed };
}

let setup: Ready | string;
try {
  setup = await setUp();
} catch (error) {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  throw error;
}
const skip = typeof setup === "string";
if (typeof setup === "string") console.warn(`test/package/consumer.test.ts skipped: ${setup}`);
const ready = setup as Ready;

afterAll(async () => {
  // Two node_modules trees (TypeScript 7's native compiler among them): slow to delete on a busy disk.
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}, 120_000);

test.skipIf(skip)("the tarball holds only what runs: dist/, README.md, LICENSE, package.json", () => {
  const files = ready.packed.files;
  expect(files.filter((file) => !/^(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(file))).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)));
  for (const target of [...targets, ...Object.values(manifest.bin)]) expect(files).toContain(target.replace(/^\.\//, ""));
  expect(files).toContain("LICENSE");
});

const CHECKS = [
  { compiler: "typescript", major: "5" },
  { compiler: "typescript7", major: "7" },
].flatMap(({ compiler, major }) => ["tsconfig.server.json", "tsconfig.dom.json"].map((config) => ({ compiler, major, config })));

test.skipIf(skip)("types compile with skipLibCheck false: TypeScript 5.9 and 7, server-only and DOM tsconfigs", async () => {
  // All four at once: each is one process, most of its time spent checking the libraries' own .d.ts files.
  const results = await Promise.all(
    CHECKS.map(async ({ compiler, major, config }) => {
      const tsc = join("node_modules", compiler, "bin", "tsc");
      const version = await run(["node", tsc, "--version"], ready.app);
      expect(version.stdout).toStartWith(`Version ${major}.`);
      const result = await run(["node", tsc, "-p", config], ready.app);
      return { label: `${version.stdout.trim()} -p ${config}`, code: result.code, output: result.stdout + result.stderr };
    }),
  );
  for (const result of results) expect(`${result.label}: exit ${result.code}\n${result.output}`).toBe(`${result.label}: exit 0\n`);
}, 240_000);

test.skipIf(skip)("the server runs from node_modules; a typed client gets its acks over JSON and over MessagePack", async () => {
  const server = start([process.execPath, "server.ts"], ready.app);
  try {
    const [, from, port] = await waitFor(server.stdout, /FROM=(\S+)\s+PORT=(\d+)/, "bun server.ts");
    expect(from).toStartWith(`file://${ready.app}/node_modules/bunwire/dist/`);
    const client = await run([process.execPath, "client.ts", `ws://127.0.0.1:${port}/chat`], ready.app);
    expect(client.stderr).toBe("");
    const replies = JSON.parse(client.stdout) as Record<"json" | "msgpack", { subprotocol: string; echoed: string; by: string; said: string }>;
    expect(replies.json.subprotocol).toBe("bunwire.v1.json");
    expect(replies.json).toMatchObject({ echoed: "PLAIN", by: "ada", said: "ada: plain" });
    expect(replies.msgpack).toEqual({ subprotocol: "bunwire.v1.msgpack", echoed: "PACKED", by: "ada", said: "ada: packed" });
    // bunwire/metrics from the package: prom-client from the project, the inspector's page bundled from dist/.
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(await metrics.text()).toContain('bunwire_connections_opened_total{route="/chat"} 2');
    const page = await fetch(`http://127.0.0.1:${port}/_bunwire/inspector/app.js`, { headers: { authorization: "Bearer consumer-inspector-token-0123" } });
    expect(page.status).toBe(200);
    expect((await page.text()).length).toBeGreaterThan(20_000);
  } finally {
    server.kill();
    await server.exited;
  }
}, 60_000);

test.skipIf(skip)("bunwire/react renders with the project's own React, installed from the tarball and from a path", async () => {
  expect(lstatSync(join(ready.fromPath, "node_modules/bunwire")).isSymbolicLink()).toBe(false);
  for (const dir of [ready.app, ready.fromPath]) {
    const rendered = await run([process.execPath, "render.tsx"], dir);
    // Two copies of React fail here with "Invalid hook call" (useRef on a React that is not rendering).
    expect(rendered.stderr).toBe("");
    expect(rendered.stdout).toContain('data-state="connecting"');
  }
}, 60_000);

test.skipIf(skip)("the installed CLI prints its help and serves a file route", async () => {
  const help = await run(["node_modules/.bin/bunwire", "--help"], ready.app);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage: bunwire serve <dir>");

  const cli = start(["node_modules/.bin/bunwire", "serve", "./app", "--port", "0"], ready.app);
  try {
    const [, port] = await waitFor(cli.stdout, /https?:\/\/[^\s/]+:(\d+)/, "bunwire serve ./app");
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/echo`);
    const reply = new Promise<string>((resolve, reject) => {
      ws.onmessage = (event) => resolve(String(event.data));
      ws.onerror = () => reject(new Error("the WebSocket to the CLI's /ws/echo failed"));
    });
    ws.onopen = () => ws.send("hi");
    const text = await reply;
    ws.close();
    expect(text).toStartWith("echo ");
    expect(text).toEndWith(": hi");
  } finally {
    cli.kill();
    await cli.exited;
  }
}, 60_000);
