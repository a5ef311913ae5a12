// One instance of the capacity simulation (bench/capacity.ts): a bunwire App on a shared Redis bus.
// `/sub/:topic` subscribes the socket to its topic; a message on `/pub` is `<topic> <rest>` and is published to
// that topic; `GET /stats` answers this instance's bus counters and local subscriber counts.

import { bunwire } from "bunwire";
import { redisBus } from "bunwire/redis";

const url = process.env.BENCH_REDIS_URL;
if (!url) throw new Error("bunwire-capacity bench server needs BENCH_REDIS_URL");

const bus = redisBus({ url });
const app = bunwire({ bus, websocket: { perMessageDeflate: false }, development: false });
app.ws("/sub/:topic", {
  open(ws) {
    ws.subscribe(ws.data.params.topic!);
  },
});
app.ws("/pub", {
  message(_ws, message) {
    const text = String(message);
    app.publish(text.slice(0, text.indexOf(" ")), text);
  },
});
app.get("/stats", (_req, res) => {
  res.json({ bus: bus.stats.toJSON(), topics: Object.fromEntries(app.engine.busTopics()) });
});

const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
await bus.ready();
console.log(`PORT ${server.port}`);
