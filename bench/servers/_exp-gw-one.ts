// Idle-memory experiment (bench/findings.md): an Application with one gateway on /echo.
import { Application, OnMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
@WebSocketGateway("/echo")
class EchoGateway {
  @OnMessage()
  echo(ws: ServerWebSocket, message: string | Buffer) {
    ws.send(message);
  }
}
const app = new Application({ hostname: "127.0.0.1", websocket: { perMessageDeflate: false }, globalRegistry: false });
app.registerGateway(EchoGateway);
const server = app.listen(0);
console.log(`PORT ${server.port}`);
