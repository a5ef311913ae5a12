// Seed 003, "Room-based Chat", verbatim but for the import line; the lines after the gateway (marked) serve it.
// Run: cd examples/gateway && bun room-chat.ts, then bun client.ts (the seed's client) in another terminal.
import { Application, OnClose, OnMessage, OnOpen, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";

@WebSocketGateway("/ws/chat")
class RoomChatGateway {
  private rooms = new Map<string, Set<ServerWebSocket>>();

  @OnOpen()
  handleOpen(ws: ServerWebSocket) {
    this.joinRoom(ws, "lobby");
  }

  @OnMessage()
  handleMessage(ws: ServerWebSocket, message: string) {
    try {
      const data = JSON.parse(message);

      switch (data.type) {
        case "join":
          this.joinRoom(ws, data.room);
          break;
        case "leave":
          this.leaveRoom(ws, data.room);
          break;
        case "message":
          this.broadcast(ws.data.room, {
            type: "message",
            from: ws.data.username,
            text: data.text,
          });
          break;
      }
    } catch (e) {
      ws.send(JSON.stringify({ type: "error", message: "Invalid JSON" }));
    }
  }

  @OnClose()
  handleClose(ws: ServerWebSocket) {
    for (const [room, clients] of this.rooms) {
      clients.delete(ws);
    }
  }

  private joinRoom(ws: ServerWebSocket, room: string) {
    if (!this.rooms.has(room)) {
      this.rooms.set(room, new Set());
    }
    this.rooms.get(room)!.add(ws);
    ws.data.room = room;
  }

  private leaveRoom(ws: ServerWebSocket, room: string) {
    this.rooms.get(room)?.delete(ws);
  }

  private broadcast(room: string, data: any) {
    const clients = this.rooms.get(room);
    if (clients) {
      const message = JSON.stringify(data);
      for (const client of clients) {
        client.send(message);
      }
    }
  }
}

// Not in the seed: serve the gateway.
const app = new Application({ port: Number(process.env.PORT ?? 3100) });
app.registerGateway(RoomChatGateway);
app.listen();
console.log(`listening on ws://localhost:${app.port}/ws/chat`);
export { app, RoomChatGateway };
