// One bunwire App with a bus in its own process, for cluster tests that freeze (SIGSTOP) or kill (SIGKILL) an
// instance: sockets on /chat are admitted as `?user=`, it answers `cluster.emit("whoami")`, and it prints
// "READY <port> <instanceId>" once listening and on the bus. Args: redis|nats, broker URL, heartbeatMs.
import { bunwire, connectionOf } from "../../src/index.ts";
import type { TransportBus } from "../../src/bus/transport-bus.ts";

const [kind, url, heartbeat] = process.argv.slice(2) as [string, string, string];
const heartbeatMs = Number(heartbeat);
let bus: TransportBus;
if (kind === "redis") {
  const { redisBus } = await import("../../src/redis/index.ts");
  bus = redisBus({ url, heartbeatMs, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: 300 });
} else {
  const { natsBus } = await import("../../src/nats/index.ts");
  bus = natsBus({ servers: url, heartbeatMs });
}
const app = bunwire({ bus, development: false });
app.ws("/chat", {
  upgrade: (req) => (typeof req.query.user === "string" ? { user: req.query.user } : true),
  open(ws) {
    ws.send(`hello ${connectionOf(ws)!.id}`);
  },
});
app.cluster.on("whoami", () => `child ${bus.instanceId}`);
app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
await bus.ready();
console.log(`READY ${app.port} ${bus.instanceId}`);
