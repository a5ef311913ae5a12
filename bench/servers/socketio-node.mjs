// Socket.IO 4 on Node, WebSocket transport only. The route is the `route` query parameter.
// Pings are pushed out of the measurement windows (the generator does not answer them).

import http from "node:http";
import { Server } from "socket.io";
import { contract, sessionFrom } from "./contract-node.mjs";

const server = http.createServer();
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  pingInterval: 600_000,
  pingTimeout: 600_000,
  // engine.io's upgrade-time hook: the middleware scenario's auth + session check
  allowRequest(req, callback) {
    if (!req.url.includes("route=up-mw")) return callback(null, true);
    const ok = req.headers.authorization === contract.authHeader && sessionFrom(req.headers.cookie) !== undefined;
    callback(ok ? null : "unauthorized", ok);
  },
});

io.on("connection", (socket) => {
  const route = socket.handshake.query.route;
  if (route === "echo") socket.on("echo", (data) => socket.emit("echo", data));
  else if (route === "fanout") socket.join("fan");
  else if (route === "publish") socket.on("pub", (data) => io.to("fan").emit("m", data));
  else if (route === "rpc")
    socket.on("add", (data, ack) => {
      if (typeof ack === "function" && typeof data?.a === "number" && typeof data?.b === "number") ack(data.a + data.b);
    });
});

server.listen(0, "127.0.0.1", () => console.log(`PORT ${server.address().port}`));
