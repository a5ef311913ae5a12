// `ws` 8 on Node: noServer mode behind http's "upgrade" event; fan-out is a JavaScript loop over sockets.

import http from "node:http";
import { WebSocketServer } from "ws";
import { contract, sessionFrom } from "./contract-node.mjs";

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const subscribers = new Set();

const server = http.createServer((_req, res) => res.writeHead(404).end());
server.on("upgrade", (req, socket, head) => {
  const path = req.url;
  if (path === "/up-mw") {
    if (req.headers.authorization !== contract.authHeader || !sessionFrom(req.headers.cookie)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
      return;
    }
  } else if (!["/echo", "/fanout", "/publish", "/up"].includes(path)) {
    socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  socket.setNoDelay(true);
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on("error", () => {});
    if (path === "/echo") ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    else if (path === "/fanout") {
      subscribers.add(ws);
      ws.on("close", () => subscribers.delete(ws));
    } else if (path === "/publish")
      ws.on("message", (data, isBinary) => {
        for (const s of subscribers) s.send(data, { binary: isBinary });
      });
  });
});
server.listen(0, "127.0.0.1", () => console.log(`PORT ${server.address().port}`));
