// Bench file route /ws/publish: every message goes to the subscribers of /ws/fanout (topic "ws-fanout").
import type { ServerWebSocket } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer) {
  ws.publish("ws-fanout", message);
}
