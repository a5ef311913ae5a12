// The built client (what `npm run build` emits for bunwire/client and bunwire/client/msgpack: tsc with the
// package's build settings) running in Node against a real bunwire App: on the machine's Node (20) with the `ws`
// package passed as `WebSocket`, and on Node 22 (the `node` devDependency) with its global WebSocket. Typed
// request, validation error, join, MessagePack negotiated from the offer, and server requests answered.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { bunwire } from "../../src/index.ts";
import { notes } from "./fixture.ts";

const ROOT = resolve(import.meta.dir, "../..");
// Inside the repository (its /tmp is ignored by git) so the built files resolve msgpackr and ws from node_modules.
const dir = join(ROOT, "tmp", `node-client-${process.pid}`);

const app = bunwire({ development: false });
app.ws("/notes", notes.handle({ note() {}, add: (_ws, { a, b }) => a + b, slow: () => "done", received: () => [], quiz: (ws, { q }) => notes.request(ws, "ask", { q }) }, { rooms: true }));
const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
const url = `ws://127.0.0.1:${server.port}/notes`;

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A node binary's major version. */
function majorOf(node: string): number {
  const version = Bun.spawnSync([node, "--version"]).stdout.toString().trim();
  return Number(version.replace(/^v/, "").split(".")[0]);
}

// Node 22 comes as the devDependency `node` (npm's package of the official binary): the native-WebSocket case runs
// on it. npm and `bun run` put node_modules/.bin, where that package links `node`, first on PATH; the `ws` case
// looks past it for the machine's own node (Node 20 here), so both majors are tested.
const PACKAGED = join(ROOT, "node_modules/node/bin/node");
const packaged = existsSync(PACKAGED) ? PACKAGED : undefined;
const system = Bun.which("node", { PATH: (process.env.PATH ?? "").split(delimiter).filter((dir) => !dir.endsWith(join("node_modules", ".bin"))).join(delimiter) }) ?? packaged;
const native = packaged !== undefined && majorOf(packaged) >= 22 ? packaged : system !== undefined && majorOf(system) >= 22 ? system : undefined;
const major = system === undefined ? undefined : majorOf(system);

/** Emits bunwire/client and bunwire/client/msgpack with tsconfig.build.json (the settings of `npm run build`). */
function buildClient(): string {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.build.json"),
      // Emit only, as the build does; the type check is `npm run typecheck`'s job.
      compilerOptions: { outDir: join(dir, "dist"), rootDir: ROOT, declaration: false, noCheck: true, types: [] },
      include: [],
      files: [join(ROOT, "src/client/index.ts"), join(ROOT, "src/client/msgpack/index.ts")],
    }),
  );
  const tsc = Bun.spawnSync([process.execPath, join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { stdout: "pipe", stderr: "pipe" });
  if (tsc.exitCode !== 0) throw new Error(`tsc failed: ${tsc.stdout.toString()}${tsc.stderr.toString()}`);
  return join(dir, "dist/src/client");
}

const script = (client: string, injectWs: boolean) => `
  import { connect } from ${JSON.stringify(join(client, "index.js"))};
  import { msgpack } from ${JSON.stringify(join(client, "msgpack/index.js"))};
  ${injectWs ? `import WebSocket from ${JSON.stringify(join(ROOT, "node_modules/ws/wrapper.mjs"))};` : "const WebSocket = globalThis.WebSocket;"}
  const json = connect(process.argv[2], { WebSocket, heartbeat: false });
  const sum = await json.request("add", { a: 20, b: 22 });
  const invalid = await json.request("add", { a: "x", b: 1 }).catch((e) => e.code + ":" + e.issues[0].path.join("."));
  const joined = await json.join("r");
  const packed = connect(process.argv[2], { WebSocket, heartbeat: false, codec: msgpack });
  const packedSum = await packed.request("add", { a: 1, b: 2 });
  // Server requests: the server asks, the client's handler answers.
  for (const client of [json, packed]) client.onRequest("ask", ({ q }) => q.toUpperCase());
  const answers = [await json.request("quiz", { q: "json" }), await packed.request("quiz", { q: "packed" })];
  console.log(JSON.stringify({ typeofGlobal: typeof globalThis.WebSocket, sum, invalid, recovered: joined.recovered, subprotocols: [json.subprotocol, packed.subprotocol], packedSum, answers }));
  json.close();
  packed.close();`;

async function runInNode(node: string, injectWs: boolean): Promise<Record<string, unknown>> {
  const file = join(dir, injectWs ? "with-ws.mjs" : "native.mjs");
  writeFileSync(file, script(buildClient(), injectWs));
  const run = Bun.spawn([node, file, url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

const expected = { sum: 42, invalid: "VALIDATION_FAILED:a", recovered: true, subprotocols: ["bunwire.v1.json", "bunwire.v1.msgpack"], packedSum: 3, answers: ["JSON", "PACKED"] };

if (system === undefined) console.warn("[bunwire] SKIPPED Node client tests: no `node` on PATH and no node_modules/node (npm install)");
test.skipIf(system === undefined)(`the built client runs in Node ${major ?? "?"} with the \`ws\` package passed as WebSocket`, async () => {
  expect(await runInNode(system!, true)).toMatchObject(expected);
}, 30_000);

if (native === undefined) console.warn("[bunwire] SKIPPED the native-WebSocket client test: it needs Node >= 22, which `npm install` brings as node_modules/node");
test.skipIf(native === undefined)(`the built client runs in Node ${native === undefined ? ">= 22" : majorOf(native)} with its global WebSocket (no \`ws\`)`, async () => {
  expect(await runInNode(native!, false)).toMatchObject({ ...expected, typeofGlobal: "function" });
}, 30_000);
