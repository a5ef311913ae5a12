// bunwire through the gateway front door (decorators + DI): one gateway class per bench path, the typed
// request/ack job as @SubscribeMessage with a zod schema. The gateway has no hook that runs before the upgrade
// (guards, middleware), so it cannot serve /up-mw: the registry lists that variant as unsupported.

import { z } from "zod";
import { Application, Module, OnMessage, OnOpen, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";

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

@WebSocketGateway("/rpc")
class RpcGateway {
  @SubscribeMessage("add", Add)
  add(_ws: ServerWebSocket, { a, b }: z.infer<typeof Add>) {
    return a + b;
  }
}

@Module({ providers: [EchoGateway, FanoutGateway, PublishGateway, UpGateway, RpcGateway] })
class BenchModule {}

const app = new Application({ hostname: "127.0.0.1", websocket: { perMessageDeflate: false } });
app.registerModule(BenchModule);
const server = app.listen(0);
console.log(`PORT ${server.port}`);
