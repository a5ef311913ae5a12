// The gateway section of the README (docs/front-doors-gateway.md), runnable: cd examples/gateway && bun readme-chat.ts
import { Application, Injectable, Module, OnClose, OnMessage, OnOpen, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { z } from "zod";

@Injectable()
class Rooms { readonly members = new Set<ServerWebSocket>(); }

@WebSocketGateway("/ws")
class ChatGateway {
  constructor(private readonly rooms: Rooms) {}                        // injected by type, one instance per app

  @OnOpen() open(ws: ServerWebSocket) { ws.data.name = "anon"; this.rooms.members.add(ws); }   // ws.data: yours
  @OnClose() close(ws: ServerWebSocket) { this.rooms.members.delete(ws); }
  @OnMessage() raw(ws: ServerWebSocket, message: string | Buffer) { /* frames no event claimed */ }

  @SubscribeMessage("say", z.object({ text: z.string().max(500) }))  // { event: "say", data, id? }
  say(ws: ServerWebSocket, { text }: { text: string }) {
    return { from: ws.data.name, text };                               // the ack of { ..., id }
  }
}

@Module({ providers: [Rooms, ChatGateway] })
class AppModule {}

const app = new Application({ port: Number(process.env.PORT ?? 3000) });
app.registerModule(AppModule);            // or WebSocketGatewayRegistry.getInstance().register(ChatGateway)
app.listen();                             // returns Bun's Server; `await app.close()` closes every socket (1001)

console.log(`listening on ws://localhost:${app.port}/ws`);
export { app };
