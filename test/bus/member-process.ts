// One bus instance in its own process, for tests that freeze (SIGSTOP) or kill (SIGKILL) an instance: it joins the
// cluster, answers the cluster request "whoami" with its id, and prints "ID <instanceId>" once connected.
// Args: redis|nats, broker URL, heartbeatMs.
import type { TransportBus } from "../../src/bus/transport-bus.ts";

const [kind, url, heartbeat] = process.argv.slice(2) as [string, string, string];
const heartbeatMs = Number(heartbeat);
let bus: TransportBus;
if (kind === "redis") {
  const { redisBus } = await import("../../src/redis/index.ts");
  bus = redisBus({ url, heartbeatMs });
} else {
  const { natsBus } = await import("../../src/nats/index.ts");
  bus = natsBus({ servers: url, heartbeatMs });
}
bus.onRequest("whoami", () => bus.instanceId);
await bus.connect(() => {});
await bus.ready();
console.log(`ID ${bus.instanceId}`);
