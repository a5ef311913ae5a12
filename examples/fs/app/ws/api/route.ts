// Seed 001, "WebSocket API", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/api by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function onMessage(ws: ServerWebSocket, message: string | Buffer, ctx: WebSocketContext) {
  // Send message to this client
  ws.send("Hello!");
  ws.send(new Uint8Array([1, 2, 3]));
  
  // Close connection
  ws.close(1000, "Goodbye");
  
  // Check connection state
  console.log(ws.readyState);
  console.log(ws.remoteAddress);
  
  // Subscribe to topics
  ws.subscribe("room-1");
  ws.unsubscribe("room-1");
  
  // Publish to topic
  ws.publish("room-1", "Message for room 1");
  
  // Check subscriptions
  console.log(ws.subscriptions); // ["ws-custom", "room-1"]
  console.log(ws.isSubscribed("room-1")); // true
}
