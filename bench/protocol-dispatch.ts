// `bun bench/protocol-dispatch.ts [seconds-per-case]`: an in-process micro-benchmark of the typed protocol's
// dispatcher (src/protocol/dispatch.ts and the envelope code) against the raw baseline of bench/servers/raw-bun.ts
// (JSON.parse, a hand check, JSON.stringify of the ack), with no sockets: each case calls `message(ws, frame)` on a
// stand-in socket whose `send` keeps the last frame. It isolates the protocol's own cost from the network and the
// engine, which the full bench (`npm run bench`, scenario rpc) measures together. Rounds of one window per case,
// interleaved (order reversed every other round), each timed in this process's CPU time (a shared machine steals
// wall-clock time, not CPU time); each case is reported by the median of its per-round ratios to raw, which
// cancels what disturbed a whole round. `seconds` (default 1) sets the rounds (20 per second). The cases share the
// dispatcher's and the store's code in this one process (string keys and keys by id take different paths through
// it), so read a case against its own reference: "typed (zod)" for string keys, "frames keyed by their ids" for ids.

import * as v from "valibot";
import { z } from "zod";
import type { ServerWebSocket } from "bun";
import { defineProtocol, MemoryIdempotency } from "../src/protocol/index.ts";
import { keepsNothing } from "./servers/keeps-nothing.ts";

const seconds = Number(process.argv[2] ?? 1);
let sink: unknown;
let touched = 0;
/** A stand-in socket per client (a connection keeps its client's key scope). */
function standIn(): ServerWebSocket<Record<string, unknown>> {
  return {
    readyState: 1,
    data: {},
    // Reads the frame's last character, as Bun's send reads all of it: a string built by concatenation is flattened
    // here, as it would be on a real socket, instead of never.
    send(frame: string) {
      sink = frame;
      touched += frame.charCodeAt(frame.length - 1);
      return 1;
    },
    subscribe() {},
    unsubscribe() {},
  } as unknown as ServerWebSocket<Record<string, unknown>>;
}

// Every case parses a freshly built frame, as a server parses what each socket read gives it; each frame carries a
// distinct idempotency key, which only the idempotent cases read: as a string `"key":"client<c>:<n>"`, or for the
// numbered case as the request's id, after one string key with `"keys":"id"` per client's socket (as bunwire's client
// sends them).
// The keys are those of 64 clients counting up, each sending 8 frames in a row (what a socket read holds).
let serial = 0;
const CLIENTS = 64;
const counters = new Array<number>(CLIENTS).fill(1_000_000);
const sockets = Array.from({ length: CLIENTS }, standIn);
let client = 0;
function nextFrame(numbered: boolean): string {
  const n = ++serial;
  client = (n >> 3) & (CLIENTS - 1);
  if (numbered) return '{"event":"add","data":{"a":20,"b":' + (n & 63) + '},"id":' + counters[client]!++ + "}";
  return '{"event":"add","data":{"a":20,"b":' + (n & 63) + '},"id":' + (n & 1023) + ',"key":"client' + client + ':' + counters[client]!++ + '"}';
}

type Message = (frame: string, ws: ServerWebSocket<Record<string, unknown>>) => unknown;

function raw(): Message {
  return (msg, ws) => {
    const req = JSON.parse(msg) as { event?: unknown; data?: { a?: unknown; b?: unknown }; id?: unknown };
    if (req.event === "add" && typeof req.data?.a === "number" && typeof req.data.b === "number") ws.send(JSON.stringify({ id: req.id, ack: req.data.a + req.data.b }));
    else ws.send(JSON.stringify({ id: req.id, error: { code: "VALIDATION_FAILED" } }));
  };
}

function typed(schema: "zod" | "valibot", idempotency?: "memory" | "nothing", numbered = false): Message {
  const add = schema === "zod" ? z.object({ a: z.number(), b: z.number() }) : v.object({ a: v.number(), b: v.number() });
  const protocol = defineProtocol({ client: { add }, server: {} });
  const store = idempotency === "memory" ? new MemoryIdempotency() : keepsNothing;
  const handlers = protocol.handle({ add: (_ws, { a, b }) => a + b }, idempotency !== undefined ? { idempotency: { store } } : {});
  for (const [c, ws] of sockets.entries()) {
    handlers.open(ws);
    // each socket names its client once, as bunwire's client does before its ids become its keys
    if (numbered) handlers.message(ws, `{"event":"add","data":{"a":1,"b":2},"id":1,"key":"client${c}:1","keys":"id"}`);
  }
  return (frame, ws) => handlers.message(ws, frame);
}

/** CPU nanoseconds per message over one window of `count` messages. */
function window(message: Message, count: number, numbered: boolean): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const frame = nextFrame(numbered);
    message(frame, sockets[client]!);
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

// [name, build, frames keyed by their ids instead of a string key]
const cases: Array<[string, () => Message, boolean]> = [
  ["raw JSON.parse + reply", raw, false],
  ["typed (zod)", () => typed("zod"), false],
  ["typed (valibot)", () => typed("valibot"), false],
  ["typed (zod), idempotency on (memory), string keys", () => typed("zod", "memory"), false],
  ["typed (zod), idempotency on, a store that keeps nothing", () => typed("zod", "nothing"), false],
  ["typed (zod), frames keyed by their ids, idempotency off", () => typed("zod"), true],
  ["typed (zod), idempotency on (memory), keys by id", () => typed("zod", "memory", true), true],
];
const built = cases.map(([name, build, numbered]) => [name, build(), numbered] as const);
for (const [, message, numbered] of built) window(message, 100_000, numbered); // warm up the JIT
const costs = new Map<string, number[]>(built.map(([name]) => [name, []]));
const rounds = Math.max(5, Math.round(seconds * 20));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? built : [...built].reverse();
  for (const [name, message, numbered] of order) costs.get(name)!.push(window(message, 20_000, numbered));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const base = costs.get("raw JSON.parse + reply")!;
for (const [name, cost] of costs) {
  const ratio = median(cost.map((ns, round) => base[round]! / ns));
  console.log(`${name.padEnd(56)} ${Math.round(median(cost)).toLocaleString("en").padStart(8)} CPU ns/msg  ${ratio.toFixed(2)}x raw`);
}
void sink;
void touched;
