// Gateways inside a `bunwire()` App: `app.use(gateways)` hands the gateway routes to the App's engine, so the
// App's middleware admits each upgrade and HTTP routes live beside the gateways on one port.

import { afterEach, expect, test } from "bun:test";
import { bunwire } from "bunwire";
import { Application, Injectable, Module, OnMessage, OnOpen, SubscribeMessage, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket } from "bunwire/gateway";
import { Client } from "./fixture.ts";

afterEach(() => WebSocketGatewayRegistry.getInstance().clear());

@Injectable()
class Greeting {
  readonly text = "welcome";
}

@WebSocketGateway("/ws")
class LobbyGateway {
  constructor(readonly greeting: Greeting) {}

  @OnOpen()
  open(ws: ServerWebSocket) {
    ws.send(this.greeting.text);
  }

  @OnMessage()
  echo(ws: ServerWebSocket, message: string) {
    ws.send(`echo ${message}`);
  }
}

@WebSocketGateway("/rpc")
class RpcGateway {
  @SubscribeMessage("double")
  double(_ws: ServerWebSocket, n: number) {
    return n * 2;
  }
}

@Module({ providers: [Greeting, LobbyGateway, RpcGateway] })
class AppModule {}

test("app.use(prefix, gateways): the App's middleware admits upgrades, HTTP routes share the port", async () => {
  const gateways = new Application().registerModule(AppModule);
  const app = bunwire();
  app.use((req, res, next) => {
    if (req.path.startsWith("/live") && req.query.token !== "secret") return res.status(401).send("token required");
    next();
  });
  app.get("/health", (_req, res) => res.send("ok"));
  app.use("/live", gateways);
  const server = app.listen(0);
  try {
    const base = `127.0.0.1:${server.port}`;
    expect(await (await fetch(`http://${base}/health`)).text()).toBe("ok");
    const refused = new Client(`ws://${base}/live/ws`);
    expect(await refused.opened.then(() => "open", () => "refused")).toBe("refused");

    const lobby = new Client(`ws://${base}/live/ws?token=secret`);
    await lobby.opened;
    expect(await lobby.text()).toBe("welcome");
    lobby.send("hi");
    expect(await lobby.text()).toBe("echo hi");

    const rpc = new Client(`ws://${base}/live/rpc?token=secret`);
    await rpc.opened;
    expect(await rpc.ask({ event: "double", data: 21, id: 1 })).toEqual({ id: 1, ack: 42 });
    // The instances are the application's own, the same whichever server runs them.
    expect(gateways.get(LobbyGateway).greeting).toBe(gateways.get(Greeting));
  } finally {
    await app.close();
  }
});

test("mounted, the Application has no server or port of its own; publish and counts go through the App's", async () => {
  @WebSocketGateway("/room")
  class RoomGateway {
    @OnOpen() open(ws: ServerWebSocket) {
      ws.subscribe("room");
      ws.send("in");
    }
  }
  const gateways = new Application({ globalRegistry: false }).registerGateway(RoomGateway);
  const app = bunwire();
  app.use(gateways);
  const server = app.listen({ port: 0, quiet: true });
  try {
    expect([gateways.server, gateways.port]).toEqual([undefined, undefined]);
    const c = new Client(`ws://127.0.0.1:${server.port}/room`);
    await c.opened;
    expect(await c.text()).toBe("in");
    expect(gateways.subscriberCount("room")).toBe(1);
    expect(gateways.publish("room", "via the gateways")).toBeGreaterThan(0);
    expect(await c.text()).toBe("via the gateways");
  } finally {
    await app.close();
  }
});
