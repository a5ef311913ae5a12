// bunwire's App with bunwire/metrics on (`observe()`: /metrics, /healthz, /readyz), serving the App's bench routes
// plus the typed request/ack job of bunwire-protocol.ts: compare each scenario with bunwire-app.ts and /rpc with
// bunwire-protocol.ts to see what counting costs (README "Observability": echo >= 0.95x raw Bun, rpc -3% at most).
import { z } from "zod";
import { defineProtocol } from "bunwire";
import { observe } from "bunwire/metrics";
import { serveBenchApp } from "./app-routes.ts";

const bench = defineProtocol({
  client: { add: z.object({ a: z.number(), b: z.number() }) },
  server: {},
});

serveBenchApp({}, (app) => {
  app.ws("/rpc", bench.handle({ add: (_ws, { a, b }) => a + b }));
  app.use(observe());
});
