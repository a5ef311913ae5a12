// Seed 003, "Connection Data", verbatim but for the import line; the seed shows only the gateway, so the
// lines after it (marked) serve it. Run: cd examples/gateway && bun connection-data.ts (ws://localhost:3100/ws/chat).
import { Application, OnMessage, OnOpen, WebSocketGateway, type ServerWebSocket, type WebSocketConnectionData } from "bunwire/gateway";

interface UserConnectionData extends WebSocketConnectionData {
  userId: string;
  username: string;
  room: string;
}

@WebSocketGateway("/ws/chat")
class ChatGateway {
  @OnOpen()
  handleOpen(ws: ServerWebSocket<UserConnectionData>) {
    // Set connection data
    ws.data.userId = generateId();
    ws.data.username = "Anonymous";
    ws.data.room = "lobby";
  }

  @OnMessage()
  handleMessage(ws: ServerWebSocket<UserConnectionData>, message: string) {
    const { userId, username, room } = ws.data;
    console.log(`[${room}] ${username}: ${message}`);
  }
}

// Not in the seed: the seed leaves `generateId` to you, and serving the gateway.
function generateId(): string {
  return crypto.randomUUID();
}

const app = new Application({ port: Number(process.env.PORT ?? 3100) });
app.registerGateway(ChatGateway);
app.listen();
console.log(`listening on ws://localhost:${app.port}/ws/chat`);
export { app, ChatGateway };
