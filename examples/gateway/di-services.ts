// Seed 003, "With DI Services", verbatim but for the import line; the lines after the gateway (marked) serve it.
// MessageService is injected into ChatGateway's constructor by type. Run: cd examples/gateway && bun di-services.ts
import { Application, Injectable, OnMessage, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket } from "bunwire/gateway";

@Injectable()
class MessageService {
  async saveMessage(userId: string, text: string) {
    // Save to database
  }
}

@WebSocketGateway("/ws")
class ChatGateway {
  constructor(private readonly messageService: MessageService) {}

  @OnMessage()
  async handleMessage(ws: ServerWebSocket, message: string) {
    await this.messageService.saveMessage(ws.data.userId, message);
  }
}

// Not in the seed: serve the gateway (MessageService needs no listing: it is @Injectable()).
const app = new Application({ port: Number(process.env.PORT ?? 3100) });
WebSocketGatewayRegistry.getInstance().register(ChatGateway);
app.listen();
console.log(`listening on ws://localhost:${app.port}/ws`);
export { app, ChatGateway, MessageService };
