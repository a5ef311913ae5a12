// bunwire through the gateway front door (decorators + DI): one gateway class per bench path, the typed
// request/ack job as @SubscribeMessage with a zod schema, and /up-mw's two checks in @OnUpgrade (before the 101).

import { z } from "zod";
import { Application, Module, OnMessage, OnOpen, OnUpgrade, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { AUTH_HEADER, sessionFromCookie } from "./contract.ts";

const Add = z.object({ a: z.number(), b: z.number() });

@WebSocketGateway("/echo")
class EchoGateway {
  @OnMessage()
  echo(ws: ServerWebSocket, message: string | Buffer) {
    ws.send(message);
  }
}

@WebSocketGateway("/fanout")
class FanoutGateway {
  @OnOpen()
  join(ws: ServerWebSocket) {
    ws.subscribe("fan");
  }
}

@WebSocketGateway("/publish")
class PublishGateway {
  @OnMessage()
  publish(_ws: ServerWebSocket, message: string | Buffer) {
    app.publish("fan", message);
  }
}

@WebSocketGateway("/up")
class UpGateway {
  @OnOpen()
  open() {}
}

@WebSocketGateway("/up-mw")
class UpMiddlewareGateway {
  @OnUpgrade()
  admit(req: Request) {
    if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
    const session = sessionFromCookie(req.headers.get("cookie"));
    if (!session) return new Response("no session", { status: 401 });
    return { data: { session } };
  }

  @OnOpen()
  open() {}
}

@WebSocketGateway("/rpc")
class RpcGateway {
  @SubscribeMessage("add", Add)
  add(_ws: ServerWebSocket, { a, b }: z.infer<typeof Add>) {
    return a + b;
  }
}

@Module({ providers: [EchoGateway, FanoutGateway, PublishGateway, UpGateway, UpMiddlewareGateway, RpcGateway] })
class BenchModule {}

const app = new Application({ hostname: "127.0.0.1", websocket: { perMessageDeflate: false } });
app.registerModule(BenchModule);
const server = app.listen(0);
console.log(`PORT ${server.port}`);
