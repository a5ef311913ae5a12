// The README's Router snippet, type-checked.
import { Router } from "bunwire/router";

const router = new Router<{ room: string }>();
router.websocket({
  open(ws) {
    ws.data = { room: "lobby" };
    ws.subscribe(ws.data.room);
  },
  message(ws, msg) { ws.publish(ws.data.room, msg); },
});
if (import.meta.main) router.serve({ port: 3000 });
