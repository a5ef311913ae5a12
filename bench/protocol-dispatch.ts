// `bun bench/protocol-dispatch.ts [seconds-per-case]`: an in-process micro-benchmark of the typed protocol's
// dispatcher (src/protocol/dispatch.ts and the envelope code) against the raw baseline of bench/servers/raw-bun.ts
// (JSON.parse, a hand check, JSON.stringify of the ack), with no sockets: each case calls `message(ws, frame)` on a
// stand-in socket whose `send` keeps the last frame. It isolates the protocol's own cost from the network and the
// engine, which the full bench (`npm run bench`, scenario rpc) measures together. Rounds of 100 ms windows per case,
// interleaved, best window kept; `seconds` (default 1) sets the rounds (10 per second), so a run takes ~4x that.

import * as v from "valibot";
import { z } from "zod";
import type { ServerWebSocket } from "bun";
import { defineProtocol, MemoryIdempotency } from "../src/protocol/index.ts";

const seconds = Number(process.argv[2] ?? 1);
let sink: unknown;
const ws = {
  readyState: 1,
  data: {},
  send(frame: unknown) {
    sink = frame;
    return 1;
  },
  subscribe() {},
  unsubscribe() {},
} as unknown as ServerWebSocket<Record<string, unknown>>;

// Every case parses a freshly built frame, as a server parses what each socket read gives it; each frame carries a
// distinct idempotency key, which only the idempotent case reads.
let serial = 0;
function nextFrame(): string {
  const n = ++serial;
  return '{"event":"add","data":{"a":20,"b":' + (n & 63) + '},"id":' + (n & 1023) + ',"key":"bench:' + n + '"}';
}

type Message = (frame: string) => unknown;

function raw(): Message {
  return (msg) => {
    const req = JSON.parse(msg) as { event?: unknown; data?: { a?: unknown; b?: unknown }; id?: unknown };
    if (req.event === "add" && typeof req.data?.a === "number" && typeof req.data.b === "number") ws.send(JSON.stringify({ id: req.id, ack: req.data.a + req.data.b }));
    else ws.send(JSON.stringify({ id: req.id, error: { code: "VALIDATION_FAILED" } }));
  };
}

function typed(schema: "zod" | "valibot", idempotency = false): Message {
  const add = schema === "zod" ? z.object({ a: z.number(), b: z.number() }) : v.object({ a: v.number(), b: v.number() });
  const protocol = defineProtocol({ client: { add }, server: {} });
  const handlers = protocol.handle({ add: (_ws, { a, b }) => a + b }, idempotency ? { idempotency: { store: new MemoryIdempotency({ maxKeys: 10_000 }) } } : {});
  handlers.open(ws);
  return (frame) => handlers.message(ws, frame);
}

/** Messages per second over one window of `ms`. */
function window(message: Message, ms: number): number {
  let done = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 2_000; i++) message(nextFrame());
    done += 2_000;
  }
  return (done / ms) * 1000;
}

const cases: Array<[string, () => Message]> = [
  ["raw JSON.parse + reply", raw],
  ["typed (zod)", () => typed("zod")],
  ["typed (valibot)", () => typed("valibot")],
  ["typed (zod), idempotency on (memory)", () => typed("zod", true)],
];
const built = cases.map(([name, build]) => [name, build()] as const);
for (const [, message] of built) window(message, 200); // warm up the JIT
// Rounds interleave the cases and keep each one's best window: on a shared machine the best is the least disturbed.
const best = new Map<string, number>();
const rounds = Math.max(3, Math.round(seconds * 10));
for (let round = 0; round < rounds; round++) {
  for (const [name, message] of built) best.set(name, Math.max(best.get(name) ?? 0, window(message, 100)));
}
const base = best.get("raw JSON.parse + reply")!;
for (const [name, rate] of best) console.log(`${name.padEnd(40)} ${Math.round(rate).toLocaleString("en").padStart(12)} msg/s  ${(rate / base).toFixed(2)}x raw`);
void sink;
