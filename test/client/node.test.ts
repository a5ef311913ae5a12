// The client bundle in Node (no global WebSocket before Node 22) with the `ws` package injected as the
// WebSocket constructor, against a real bunwire server: typed request, validation error, join.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildClient } from "../../scripts/build-client.ts";
import { NotesServer } from "./fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "bunwire-node-"));
const server = new NotesServer().start();

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const hasNode = Bun.which("node") !== null;
if (!hasNode) console.warn("[bunwire] SKIPPED Node client test: no `node` on PATH");

test.skipIf(!hasNode)("the browser bundle runs in Node with an injected WebSocket constructor", async () => {
  const bundle = (await buildClient(join(dir, "client.mjs"))).path;
  const wsModule = resolve(import.meta.dir, "../../node_modules/ws/wrapper.mjs");
  const script = join(dir, "run.mjs");
  await Bun.write(
    script,
    `import { connect } from ${JSON.stringify(bundle)};
     import WebSocket from ${JSON.stringify(wsModule)};
     const client = connect(process.argv[2], { WebSocket, heartbeat: false });
     const sum = await client.request("add", { a: 20, b: 22 });
     const invalid = await client.request("add", { a: "x", b: 1 }).catch((e) => e.code + ":" + e.issues[0].path.join("."));
     const joined = await client.join("r");
     client.close();
     console.log(JSON.stringify({ typeofGlobal: typeof globalThis.WebSocket, sum, invalid, recovered: joined.recovered, state: client.state }));`,
  );
  const run = Bun.spawn(["node", script, server.url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  const result = JSON.parse(out);
  expect(result).toMatchObject({ sum: 42, invalid: "VALIDATION_FAILED:a", recovered: true, state: "closed" });
}, 30_000);
