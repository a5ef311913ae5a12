// Bench file route /ws/room/:id: a room per id, every message broadcast to the room (the seed's chat shape).
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(_ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  ctx.broadcast(message);
}
