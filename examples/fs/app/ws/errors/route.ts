// Seed 001, "Error Handling", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/errors by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  try {
    const data = JSON.parse(message.toString());
    // Process data...
  } catch (error) {
    console.error("Invalid message:", error);
    ws.send(JSON.stringify({ type: "error", message: "Invalid message format" }));
  }
}
