// Socket.IO 4 on Node scaled out with its official Redis adapter (@socket.io/redis-adapter on ioredis): the
// peer of bunwire + redisBus in scenario 6. Two of these run on one Redis (BENCH_REDIS_URL); subscribers join
// room "fan" on one, the publisher emits on the other. WebSocket transport only; pings out of the window.

import http from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";

const url = process.env.BENCH_REDIS_URL;
if (!url) throw new Error("socketio-redis bench server needs BENCH_REDIS_URL");

const pub = new Redis(url);
const sub = pub.duplicate();
const server = http.createServer();
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  pingInterval: 600_000,
  pingTimeout: 600_000,
  adapter: createAdapter(pub, sub),
});

io.on("connection", (socket) => {
  const route = socket.handshake.query.route;
  if (route === "fanout") socket.join("fan");
  else if (route === "publish") socket.on("pub", (data) => io.to("fan").emit("m", data));
});

await Promise.all([pub.ping(), sub.ping()]);
server.listen(0, "127.0.0.1", () => console.log(`PORT ${server.address().port}`));
