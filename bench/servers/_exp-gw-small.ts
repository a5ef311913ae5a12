// Idle-memory experiment (bench/findings.md): _exp-gw-one.ts with `ws.data` given by @OnUpgrade as `{ route: 0 }`
// (32 B, as raw Bun's) instead of the default `{}` (64 B).
import { Application, OnMessage, OnUpgrade, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
@WebSocketGateway("/echo")
class EchoGateway {
  @OnUpgrade()
  admit() {
    return { data: { route: 0 } };
  }

  @OnMessage()
  echo(ws: ServerWebSocket, message: string | Buffer) {
    ws.send(message);
  }
}
const app = new Application({ hostname: "127.0.0.1", websocket: { perMessageDeflate: false }, globalRegistry: false });
app.registerGateway(EchoGateway);
const server = app.listen(0);
console.log(`PORT ${server.port}`);
