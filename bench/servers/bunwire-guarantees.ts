// The bench server of bench/guarantees.ts: typed request/ack with idempotency off (/rpc), on (/rpc-idem) with the
// store GUARANTEES_STORE names (`memory`, the default; `nothing`, a store that keeps nothing; `redis`, the Redis
// store at REDIS_URL), and server→client request round trips (/ask: after `start { inflight }` the server keeps that
// many `confirm` requests in flight on the socket, each answered by the client, and counts the round trips). One
// store per process, as an application has: a second store on the same dispatcher code would make its calls
// polymorphic and slow the store measured. Prints "PORT <n>".

import { z } from "zod";
import type { ServerWebSocket } from "bun";
import { bunwire, defineProtocol, MemoryIdempotency, type IdempotencyStore } from "bunwire";
import { redisIdempotency } from "bunwire/redis";
import { keepsNothing } from "./keeps-nothing.ts";

const rpc = defineProtocol({
  name: "bench-rpc",
  client: { add: z.object({ a: z.number(), b: z.number() }) },
  server: {},
  acks: { add: z.number() },
});

const asks = defineProtocol({
  name: "bench-asks",
  client: { start: z.object({ inflight: z.number().int().min(1).max(1024) }), count: z.object({}) },
  server: { confirm: z.object({ n: z.number() }) },
  acks: { count: z.number() },
  replies: { confirm: z.object({ ok: z.boolean() }) },
});

const app = bunwire({ development: false, websocket: { perMessageDeflate: false } });
const add = { add: (_ws: unknown, { a, b }: { a: number; b: number }) => a + b };
app.ws("/rpc", rpc.handle(add));
app.ws("/rpc-idem", rpc.handle(add, { idempotency: { store: store(process.env.GUARANTEES_STORE ?? "memory") } }));

function store(name: string): IdempotencyStore {
  if (name === "memory") return new MemoryIdempotency();
  if (name === "nothing") return keepsNothing;
  if (name === "redis" && process.env.REDIS_URL !== undefined) return redisIdempotency({ url: process.env.REDIS_URL });
  throw new Error(`GUARANTEES_STORE must be memory, nothing or redis (with REDIS_URL), got ${name}`);
}

let roundTrips = 0;
/** One lane: a request, its reply, the next request, until the socket closes. */
async function lane(ws: ServerWebSocket<Record<string, unknown>>): Promise<void> {
  for (let n = 0; ws.readyState === 1; n++) {
    try {
      await asks.request(ws, "confirm", { n });
      roundTrips++;
    } catch {
      return;
    }
  }
}
app.ws(
  "/ask",
  asks.handle({
    start(ws, { inflight }) {
      for (let i = 0; i < inflight; i++) void lane(ws);
    },
    count: () => roundTrips,
  }),
);

console.log(`PORT ${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`);
