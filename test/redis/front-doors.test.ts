// The bus under the other front doors: `new Router({ bus })` and `new Application({ bus })` (gateways) publish
// across instances exactly like the App: router.publish / app.publish, ws.publish with the sender excluded.
import { afterEach, expect, test } from "bun:test";
import { Router } from "bunwire/router";
import { Application, OnMessage, OnOpen, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { redisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { TestSocket } from "../support/socket.ts";
import { subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();
const stops: Array<() => Promise<void>> = [];
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function open(url: string): Promise<TestSocket> {
  const socket = await TestSocket.open(url);
  sockets.push(socket);
  expect(await socket.next()).toBe("joined");
  return socket;
}

function routerInstance(): { router: Router; url: string } {
  const router = new Router({ bus: redisBus({ url: redis.url }) });
  router.websocket({
    open(ws) {
      ws.subscribe("lobby");
      ws.send("joined");
    },
    message(ws, message) {
      ws.publish("lobby", message);
    },
  });
  const server = router.serve({ port: 0, hostname: "127.0.0.1" });
  stops.push(() => router.close());
  return { router, url: `ws://127.0.0.1:${server.port}/` };
}

test("Router with a bus: router.publish and ws.publish cross instances; the sender is still excluded", async () => {
  const [a, b] = [routerInstance(), routerInstance()];
  const onA = await open(a.url);
  const onB = await open(b.url);
  await subscribersOnRedis(redis.url, "bunwire:t:lobby", 2);
  a.router.publish("lobby", "from router A");
  expect(await onA.next()).toBe("from router A");
  expect(await onB.next()).toBe("from router A");
  onB.send("from client on B");
  expect(await onA.next()).toBe("from client on B");
  onB.send("probe");
  expect(await onA.next()).toBe("probe");
  expect(onB.frames).toEqual(["joined", "from router A"]);
});

@WebSocketGateway("/lobby")
class LobbyGateway {
  @OnOpen() open(ws: ServerWebSocket) {
    ws.subscribe("lobby");
    ws.send("joined");
  }
  @OnMessage() relay(ws: ServerWebSocket, message: string) {
    ws.publish("lobby", message);
  }
}

async function gatewayInstance(): Promise<{ app: Application; url: string }> {
  const app = new Application({ port: 0, hostname: "127.0.0.1", bus: redisBus({ url: redis.url }), globalRegistry: false });
  app.registerGateway(LobbyGateway);
  const server = await app.listen();
  stops.push(() => app.close());
  return { app, url: `ws://127.0.0.1:${server.port}/lobby` };
}

test("gateways with a bus: app.publish and ws.publish cross instances; clusterSubscriberCount adds up", async () => {
  const [a, b] = [await gatewayInstance(), await gatewayInstance()];
  const onA = await open(a.url);
  const onB = await open(b.url);
  await open(b.url);
  await subscribersOnRedis(redis.url, "bunwire:t:lobby", 2);
  a.app.publish("lobby", "from gateway A");
  expect(await onB.next()).toBe("from gateway A");
  onA.send("from client on A");
  expect(await onB.next()).toBe("from client on A");
  expect(await a.app.engine.clusterSubscriberCount("lobby")).toBe(3);
});
