// Seed 001, "Pub/Sub Rooms", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/rooms by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  const data = JSON.parse(message.toString());
  
  if (data.type === "join-room") {
    ws.subscribe(`room-${data.roomId}`);
    ws.send(JSON.stringify({ type: "joined", roomId: data.roomId }));
  }
  
  if (data.type === "room-message") {
    // Send only to room members
    ws.publish(`room-${data.roomId}`, JSON.stringify({
      type: "message",
      text: data.text,
    }));
  }
  
  if (data.type === "leave-room") {
    ws.unsubscribe(`room-${data.roomId}`);
  }
}
