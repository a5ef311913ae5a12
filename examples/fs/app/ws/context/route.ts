// Seed 001, "WebSocket Context", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/context by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  // Broadcast to all clients on this route (includes sender)
  ctx.broadcast(message);
  
  // Broadcast JSON
  ctx.broadcastJSON({ type: "update", data: "..." });
  
  // Get route topic
  console.log(ctx.topic); // "ws-custom"
}
