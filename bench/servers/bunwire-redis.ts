// One bunwire instance scaled out with bunwire/redis: the runner starts two of these on one Redis
// (BENCH_REDIS_URL), subscribers on one, the publisher on the other. Until the App lands the bus is
// wired exactly as the engine contract says (src/engine/bus.ts): deliver = native publish, subscribe on
// the first local subscriber, local publish + bus.publish on every publish.

import { redisBus } from "../../src/redis/index.ts";

const url = process.env.BENCH_REDIS_URL;
if (!url) throw new Error("bunwire-redis bench server needs BENCH_REDIS_URL");

const bus = redisBus({ url });
let subscribers = 0;
interface Data { route: "fanout" | "publish" | "other" }

const server = Bun.serve<Data>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    const p = req.url.slice(req.url.indexOf("/", 8));
    const route = p === "/fanout" ? "fanout" : p === "/publish" ? "publish" : "other";
    return srv.upgrade(req, { data: { route } }) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      if (ws.data.route !== "fanout") return;
      ws.subscribe("fan");
      if (++subscribers === 1) bus.subscribe("fan");
    },
    close(ws) {
      if (ws.data.route === "fanout" && --subscribers === 0) bus.unsubscribe("fan");
    },
    message(ws, msg) {
      if (ws.data.route !== "publish") return;
      server.publish("fan", msg);
      bus.publish("fan", msg, false);
    },
  },
});
await bus.connect((topic, data, compress) => server.publish(topic, data, compress), (topic) => server.subscriberCount(topic));
console.log(`PORT ${server.port}`);
