// Seed 001, "Close Codes", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/close-codes by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  // Normal closure
  ws.close(1000, "Done");
  
  // Going away
  ws.close(1001, "Server restart");
  
  // Protocol error
  ws.close(1002, "Invalid data");
  
  // Unsupported data
  ws.close(1003, "Text only");
  
  // Policy violation
  ws.close(1008, "Unauthorized");
}
