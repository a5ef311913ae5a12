// Seed 003, "Basic Gateway" + "Register Gateway", verbatim but for the import lines (and PORT read from the
// environment). Run: cd examples/gateway && bun basic-gateway.ts; then connect to ws://localhost:3100/ws.
import {
  WebSocketGateway,
  OnOpen,
  OnMessage,
  OnClose,
  type ServerWebSocket,
} from "bunwire/gateway";

@WebSocketGateway("/ws")
class ChatGateway {
  private clients = new Set<ServerWebSocket>();

  @OnOpen()
  handleOpen(ws: ServerWebSocket) {
    this.clients.add(ws);
    console.log("Client connected, total:", this.clients.size);
  }

  @OnMessage()
  handleMessage(ws: ServerWebSocket, message: string | Buffer) {
    const text = typeof message === "string" ? message : message.toString();
    console.log("Received:", text);

    // Broadcast to all clients
    for (const client of this.clients) {
      client.send(`Echo: ${text}`);
    }
  }

  @OnClose()
  handleClose(ws: ServerWebSocket) {
    this.clients.delete(ws);
    console.log("Client disconnected, total:", this.clients.size);
  }
}

import { Application, WebSocketGatewayRegistry, Module } from "bunwire/gateway";

const app = new Application({ port: Number(process.env.PORT ?? 3100) });

// Register gateway
WebSocketGatewayRegistry.getInstance().register(ChatGateway);

// Or via module
@Module({
  providers: [ChatGateway],
})
class AppModule {}

app.registerModule(AppModule);
app.listen();

// Not in the seed: say where it listens (tests start it with PORT=0) and export the app.
console.log(`listening on ws://localhost:${app.port}/ws`);
export { app, AppModule, ChatGateway };
