// Rough throughput of typed dispatch against a raw Bun handler doing JSON.parse + send, over real sockets.
// Not a test (no timing assertions): run `bun test/protocol/dispatch.bench.ts`. The load comes from Bun
// WebSocket clients in a separate process-free loop, so absolute figures include the client's own cost.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { z } from "zod";
import { defineProtocol } from "../../src/protocol/index.ts";

const passThrough: StandardSchemaV1<{ text: string }> = {
  "~standard": { version: 1, vendor: "bench", validate: (value) => ({ value: value as { text: string } }) },
};
const zodEcho = defineProtocol({ client: { echo: z.object({ text: z.string() }) }, server: {} });
const bareEcho = defineProtocol({ client: { echo: passThrough }, server: {} });

const raw = {
  message(ws: import("bun").ServerWebSocket<unknown>, message: string | Buffer) {
    const envelope = JSON.parse(message as string);
    ws.send('{"id":' + envelope.id + ',"ack":' + JSON.stringify(envelope.data) + "}");
  },
};

function serve(websocket: object) {
  return Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, s) => (s.upgrade(req) ? undefined : new Response("")), websocket: websocket as never });
}

async function load(port: number, connections: number, ms: number): Promise<number> {
  const batch = 500;
  let done = 0;
  const deadline = performance.now() + ms;
  const frames = Array.from({ length: batch }, (_, i) => JSON.stringify({ event: "echo", data: { text: "hello world" }, id: i }));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      await new Promise((resolve) => (ws.onopen = resolve));
      while (performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          let left = batch;
          ws.onmessage = () => {
            if (--left === 0) resolve();
          };
          for (const frame of frames) ws.send(frame);
        });
        done += batch;
      }
      ws.close();
    }),
  );
  return (done / ms) * 1000;
}

const rounds: Record<string, number[]> = { raw: [], "typed (pass-through schema)": [], "typed (zod)": [] };
for (let round = 0; round < 3; round++) {
  for (const [name, websocket] of [
    ["raw", raw],
    ["typed (pass-through schema)", bareEcho.handle({ echo: (_ws, data) => data })],
    ["typed (zod)", zodEcho.handle({ echo: (_ws, data) => data })],
  ] as const) {
    const server = serve(websocket);
    rounds[name]!.push(await load(server.port!, 4, 1500));
    await server.stop(true);
  }
}
const best = Object.fromEntries(Object.entries(rounds).map(([name, values]) => [name, Math.max(...values)]));
for (const [name, rate] of Object.entries(best)) {
  console.log(`${name.padEnd(28)} ${Math.round(rate).toLocaleString("en")} req/s  (${(rate / best.raw!).toFixed(2)}x raw)`);
}
