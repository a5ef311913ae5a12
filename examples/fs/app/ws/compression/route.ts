// Seed 001, "Compression", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/compression by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  // Send with compression
  ws.send("Large message...", true);
  ws.publish("topic", "Large broadcast...", true);
}
