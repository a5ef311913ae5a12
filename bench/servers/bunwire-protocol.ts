// bunwire typed protocol doing the request/ack job: parse + validate (zod) + handler + ack.
// Mounted on Bun.serve until the App lands (then on app.ws): this isolates the protocol layer's cost.

import { z } from "zod";
import { defineProtocol } from "../../src/protocol/index.ts";

const bench = defineProtocol({
  client: { add: z.object({ a: z.number(), b: z.number() }) },
  server: {},
});

const handlers = bench.handle({ add: (_ws, { a, b }) => a + b });

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    return srv.upgrade(req, { data: {} }) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: { perMessageDeflate: false, ...handlers },
});
console.log(`PORT ${server.port}`);
