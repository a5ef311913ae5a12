// bunwire's typed protocol doing the request/ack job on the App: parse + validate (zod) + handler + ack,
// against raw Bun doing JSON.parse + a hand check + JSON.stringify.

import { z } from "zod";
import { bunwire, defineProtocol } from "bunwire";

const bench = defineProtocol({
  client: { add: z.object({ a: z.number(), b: z.number() }) },
  server: {},
});

const app = bunwire({ websocket: { perMessageDeflate: false } });
app.ws("/rpc", bench.handle({ add: (_ws, { a, b }) => a + b }));
// The same handlers whose sockets join no broadcast topic (`broadcastTopic: false`): what idle memory costs without
// that subscription (`bun bench/memory.ts 3 --servers=app+protocol,app+protocol-nobroadcast`).
app.ws("/rpc-nobroadcast", bench.handle({ add: (_ws, { a, b }) => a + b }, { broadcastTopic: false }));

const server = app.listen(0, "127.0.0.1");
console.log(`PORT ${server.port}`);
