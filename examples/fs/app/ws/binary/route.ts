// Seed 001, "Binary Data", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/binary by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  if (Buffer.isBuffer(message)) {
    console.log("Received binary:", message.length, "bytes");
    
    // Echo binary back
    ws.send(message);
    
    // Or send new binary
    const buffer = new Uint8Array([1, 2, 3, 4]);
    ws.send(buffer);
  }
}
