// Bench socket route /sockets/rpc: the typed request/ack job (zod-validated `add`, acked with the sum).
import { z } from "zod";
import { defineProtocol } from "bunwire";

const bench = defineProtocol({
  client: { add: z.object({ a: z.number(), b: z.number() }) },
  server: {},
});

export default bench.handle({ add: (_ws, { a, b }) => a + b });
