// Bench file route /ws/echo: sends every message back.
import type { ServerWebSocket } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer) {
  ws.send(message);
}
