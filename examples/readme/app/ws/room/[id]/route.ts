// The README's file-route snippet, type-checked: served at /ws/room/:id, topic "ws-room-42".
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket,
    message: string | Buffer, ctx: WebSocketContext) {
  ctx.broadcast(message);   // sender included
}
