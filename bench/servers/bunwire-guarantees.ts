// The bench server of bench/guarantees.ts: typed request/ack with idempotency off (/rpc), on with the in-memory
// store (/rpc-idem), on with a store that keeps nothing (/rpc-idem-nothing), on with the Redis store
// (/rpc-idem-redis, when REDIS_URL is set), and server→client request round trips (/ask: after `start { inflight }`
// the server keeps that many `confirm` requests in flight on the socket, each answered by the client, and counts the
// round trips). Prints "PORT <n>".

import { z } from "zod";
import type { ServerWebSocket } from "bun";
import { bunwire, defineProtocol, type IdempotencyStore } from "bunwire";
import { redisIdempotency } from "bunwire/redis";

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
app.ws("/rpc-idem", rpc.handle(add, { idempotency: true }));
/** A store that remembers nothing: what the dispatcher's keyed path costs outside any store. */
const keepsNothing: IdempotencyStore = { claim: () => ({ state: "claimed" }), complete() {}, close: () => Promise.resolve() };
app.ws("/rpc-idem-nothing", rpc.handle(add, { idempotency: { store: keepsNothing } }));
const redisUrl = process.env.REDIS_URL;
if (redisUrl !== undefined) app.ws("/rpc-idem-redis", rpc.handle(add, { idempotency: { store: redisIdempotency({ url: redisUrl }) } }));

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
