// Not in seed 001: a dynamic route. `[id]` is the param `:id`, and each concrete path is its own topic, so
// /ws/room/42 and /ws/room/7 are two rooms ("ws-room-42", "ws-room-7").
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext<{ id: string }>) {
  ws.send(JSON.stringify({ type: "joined", room: ctx.params.id, topic: ctx.topic }));
}

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext<{ id: string }>) {
  ctx.broadcastJSON({ room: ctx.params.id, text: message.toString() });
}
