// Seed 001, "Debugging", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/debug by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext) {
  console.log("Connection from:", ws.remoteAddress);
  console.log("Route topic:", ctx.topic);
  console.log("Custom data:", ws.data);
}

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  console.log("Message size:", message.length);
  console.log("Active subscriptions:", ws.subscriptions);
}

export function onClose(ws: ServerWebSocket, ctx: WebSocketContext, code?: number, reason?: string) {
  console.log("Closed with code:", code);
  console.log("Reason:", reason);
}
