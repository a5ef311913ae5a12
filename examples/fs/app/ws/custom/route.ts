// app/ws/custom/route.ts
// Seed 001, "Creating a WebSocket Route", verbatim except the import line ("@ademattos/bunbox" → "bunwire/fs").
// Served at /ws/custom by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext) {
  console.log("WebSocket opened");
  
  // Send a welcome message
  ws.send(JSON.stringify({ type: "welcome", message: "Connected!" }));
  
  // Subscribe to route topic (auto-managed)
  // Already subscribed to ctx.topic automatically
}

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  console.log("Received:", message);
  
  // Echo back
  ws.send(message);
  
  // Broadcast to all connections on this route
  ctx.broadcast(message);
}

export function onClose(ws: ServerWebSocket, ctx: WebSocketContext) {
  console.log("WebSocket closed");
}
