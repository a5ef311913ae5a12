// One bunwire App in its own process, for tests that freeze (SIGSTOP) or kill (SIGKILL) an instance. Sockets on
// /chat are admitted as `?user=` and subscribe to every `?topic=`; each hears "hello <connection id>" on open.
// `POST /publish/:topic` publishes its body (app.publish); `POST /user/:id` sends its body with sendToUser;
// `GET /bus` says whether its bus is up and how many outages it saw. It
// answers `cluster.emit("whoami")`, and prints "READY <port> <instanceId>" once listening (and on the bus).
// Args: redis|nats|none, broker URL (ignored for none), heartbeatMs, [flushDelayMs = 300].
import { bunwire, connectionOf, sendToUser, type Bus } from "../../src/index.ts";
import type { TransportBus } from "../../src/bus/transport-bus.ts";

const [kind, url, heartbeat, flush = "300"] = process.argv.slice(2) as [string, string, string, string?];
const heartbeatMs = Number(heartbeat);
// Quiet: the tests restart the broker on purpose.
const logger = { info() {}, warn() {}, error() {} };
let bus: TransportBus | undefined;
if (kind === "redis") {
  const { redisBus } = await import("../../src/redis/index.ts");
  bus = redisBus({ url, heartbeatMs, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: Number(flush), logger });
} else if (kind === "nats") {
  const { natsBus } = await import("../../src/nats/index.ts");
  bus = natsBus({ servers: url, heartbeatMs, logger });
}
const app = bunwire({ bus: bus as Bus | undefined, development: false });
app.ws("/chat", {
  upgrade: (req) => (typeof req.query.user === "string" ? { user: req.query.user } : true),
  open(ws) {
    const topic: unknown = ws.data.req.query.topic;
    for (const name of Array.isArray(topic) ? topic : topic === undefined ? [] : [topic]) ws.subscribe(String(name));
    ws.send(`hello ${connectionOf(ws)!.id}`);
  },
});
app.post("/publish/:topic", async (req, res) => {
  app.publish(req.params.topic!, await req.text());
  res.send("ok");
});
app.post("/user/:id", async (req, res) => {
  sendToUser(app, req.params.id!, await req.text());
  res.send("ok");
});
// Whether its bus is up (not down, not still waiting to resend its buffer) and how many outages it went through.
app.get("/bus", (_req, res) => {
  res.json({ connected: bus?.connected ?? false, outages: bus?.stats.outages ?? 0 });
});
app.cluster.on("whoami", () => `child ${bus?.instanceId ?? "local"}`);
app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
await bus?.ready();
console.log(`READY ${app.port} ${bus?.instanceId ?? "local"}`);
