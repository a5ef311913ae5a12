// Seed 000 "Route Parameters" + "Chat Room", with only the import changed. The seed keeps its own rooms map;
// `ws.subscribe(room)` + `ws.publish(room, ...)` does the same with Bun's native topics.
import { bunwire, type BunWebSocket } from 'bunwire';

const app = bunwire();

const rooms = new Map<string, Set<BunWebSocket>>();

app.ws('/chat/:room', {
  open(ws) {
    const room = ws.data.params.room;

    if (!rooms.has(room)) {
      rooms.set(room, new Set());
    }
    rooms.get(room)!.add(ws);

    // Notify others
    broadcast(room, `User joined`, ws);
  },

  message(ws, message) {
    const room = ws.data.params.room;
    broadcast(room, message.toString(), ws);
  },

  close(ws) {
    const room = ws.data.params.room;
    rooms.get(room)?.delete(ws);
    broadcast(room, `User left`);
  }
});

function broadcast(room: string, message: string, exclude?: BunWebSocket) {
  for (const client of rooms.get(room) || []) {
    if (client !== exclude) {
      client.send(message);
    }
  }
}

app.listen(Number(process.env.PORT ?? 3000));

export default app;
