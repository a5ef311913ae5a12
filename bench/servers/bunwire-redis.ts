// One bunwire App scaled out with bunwire/redis (`bunwire({ bus: redisBus({ url }) })`): the runner starts two of
// these on one Redis (BENCH_REDIS_URL), subscribers on one, the publisher on the other; app.publish reaches both.

import { bunwire } from "bunwire";
import { redisBus } from "bunwire/redis";

const url = process.env.BENCH_REDIS_URL;
if (!url) throw new Error("bunwire-redis bench server needs BENCH_REDIS_URL");

const bus = redisBus({ url });
const app = bunwire({ bus, websocket: { perMessageDeflate: false } });
app.ws("/fanout", {
  open(ws) {
    ws.subscribe("fan");
  },
});
app.ws("/publish", {
  message(_ws, message) {
    app.publish("fan", message);
  },
});

const server = app.listen(0, "127.0.0.1");
// The engine connects the bus on listen; wait for it so no publish of the warm-up is lost.
await new Promise<void>((resolve, reject) => {
  const started = Date.now();
  const poll = () => (bus.connected ? resolve() : Date.now() - started > 10_000 ? reject(new Error("redis bus did not connect in 10 s")) : setTimeout(poll, 20));
  poll();
});
console.log(`PORT ${server.port}`);
