// Seed 001, "Corking", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/cork by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  ws.cork(() => {
    // All sends are batched into one frame
    ws.send("Message 1");
    ws.send("Message 2");
    ws.send("Message 3");
  });
}
