// No shared state between two independent apps of the same front door in one process: for the App, the Router,
// file routes and gateway Applications, two instances serve the same path and the same typed protocol, each with
// its own bus and a cap of one connection, and nothing of one leaks into the other: routes, connection caps, bus
// wiring, protocol state (broadcasts, joined topics, room caps) and, for Routers, handshakes.

import { afterEach, describe, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, type PublishTarget } from "../src/index.ts";
import { fileRoutes } from "../src/fs/index.ts";
import { Application, OnOpen, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "../src/gateway/index.ts";
import { Router } from "../src/router/index.ts";
import { RecordingBus } from "./bus/recording-bus.ts";
import { writeTree } from "./fs/support.ts";
import { connected, rawHandshake, type Client } from "./router/support.ts";

export const pair = defineProtocol({
  name: "two-apps",
  client: { ping: z.object({}) },
  server: { hello: z.object({ from: z.string() }), news: z.object({ text: z.string() }) },
});

interface Instance {
  readonly port: number;
  /** Where `pair.publish` / `pair.broadcast` and the front door's own publish go. */
  readonly target: PublishTarget & { publish(topic: string, data: string): number };
  close(): Promise<void>;
}

interface Door {
  readonly name: string;
  /** The path both instances serve. */
  readonly path: string;
  /** Room caps come from each `handle()` (a gateway's come from its class decorator, shared by design). */
  readonly ownRoomCaps: boolean;
  start(label: string, bus: RecordingBus, maxRooms: number): Promise<Instance>;
}

const quiet = { development: false, logger: { info() {}, warn() {}, error() {} } } as const;

function handlers(label: string, maxRooms: number) {
  return pair.handle({ ping: () => label }, { rooms: true, maxRooms, open: (ws) => void pair.emit(ws, "hello", { from: label }) });
}

/** What each Router's GET route saw when it tried the OTHER Router's upgrade(): it must be refused. */
const foreignUpgrades: boolean[] = [];
const routers: Router[] = [];

/** Gateways learn their label from the Application that built them (each Application constructs its own instance). */
const labels = new Map<Application, string>();

@WebSocketGateway("/chat/:room", { protocol: pair, rooms: true, maxRooms: 1 })
class PairGateway {
  constructor(private readonly app: Application) {}

  @OnOpen()
  open(ws: ServerWebSocket): void {
    pair.emit(ws, "hello", { from: labels.get(this.app)! });
  }

  @SubscribeMessage("ping")
  ping(): string {
    return labels.get(this.app)!;
  }
}

const doors: Door[] = [
  {
    name: "App",
    path: "/chat/lobby",
    ownRoomCaps: true,
    async start(label, bus, maxRooms) {
      const app = bunwire({ ...quiet, bus, maxConnections: 1 });
      app.ws("/chat/:room", handlers(label, maxRooms) as never);
      const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { port: server.port!, target: app, close: () => app.close() };
    },
  },
  {
    name: "Router",
    path: "/chat/lobby",
    ownRoomCaps: true,
    async start(label, bus, maxRooms) {
      const router = new Router({ ...quiet, bus, maxConnections: 1 });
      routers.push(router);
      router.get("/chat/:room", (req) => {
        for (const other of routers) if (other !== router) foreignUpgrades.push(other.upgrade(req));
        router.upgrade(req);
        return new Response("upgrade only");
      });
      router.websocket(handlers(label, maxRooms));
      const server = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { port: server.port!, target: router, close: () => router.close() };
    },
  },
  {
    name: "file routes",
    path: "/sockets/chat/lobby",
    ownRoomCaps: true,
    async start(label, bus, maxRooms) {
      const dir = writeTree({
        "sockets/chat/[room]/route.ts": `
          import { pair } from "${import.meta.path}";
          export default pair.handle({ ping: () => "${label}" }, { rooms: true, maxRooms: ${maxRooms}, open: (ws) => void pair.emit(ws, "hello", { from: "${label}" }) });
        `,
      });
      const files = await fileRoutes(dir, { ...quiet, bus, maxConnections: 1 });
      const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { port: server.port!, target: files, close: () => files.close() };
    },
  },
  {
    name: "gateway Application",
    path: "/chat/lobby",
    ownRoomCaps: false,
    async start(label, bus) {
      const app = new Application({ ...quiet, bus, maxConnections: 1, globalRegistry: false }).registerGateway(PairGateway);
      labels.set(app, label);
      app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { port: app.port!, target: app, close: () => app.close() };
    },
  },
];

const closers: Array<() => Promise<void>> = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const close of closers.splice(0)) await close();
  routers.length = 0;
  foreignUpgrades.length = 0;
});

async function open(instance: Instance, path: string): Promise<Client> {
  const client = await connected(`ws://127.0.0.1:${instance.port}${path}`);
  clients.push(client);
  return client;
}

for (const door of doors) {
  describe(`two independent instances of ${door.name} in one process`, () => {
    test("each serves its own routes, counts its own connections, talks to its own bus and keeps its own protocol state", async () => {
      const [busA, busB] = [new RecordingBus(true), new RecordingBus(true)];
      const a = await door.start("A", busA, 1);
      closers.push(() => a.close());
      const b = await door.start("B", busB, 2);
      closers.push(() => b.close());

      // Routes: the same path, each instance's own handlers.
      const [onA, onB] = [await open(a, door.path), await open(b, door.path)];
      expect(await onA.json()).toEqual({ event: "hello", data: { from: "A" } });
      expect(await onB.json()).toEqual({ event: "hello", data: { from: "B" } });
      onA.send(JSON.stringify({ event: "ping", data: {}, id: 1 }));
      expect(await onA.json()).toEqual({ id: 1, ack: "A" });

      // Caps: one connection each was admitted above; a second one on A is refused by A's own cap.
      expect((await rawHandshake(a.port, door.path)).status).toBe(503);

      // Bus wiring: A's subscriptions and publishes reach A's bus only.
      onA.send(JSON.stringify({ event: "$join", data: { topic: "room-1" }, id: 2 }));
      expect((await onA.json()).id).toBe(2);
      a.target.publish("plain", "for A's bus");
      expect(busA.subscribed).toContain("room-1");
      expect(busA.published.map((p) => p.topic)).toContain("plain");
      expect(busB.subscribed).not.toContain("room-1");
      expect(busB.published).toEqual([]);

      // Protocol state: a broadcast through A reaches A's sockets only (B's next frame is B's own broadcast).
      pair.broadcast(a.target, "news", { text: "for A" });
      pair.broadcast(b.target, "news", { text: "for B" });
      expect(await onA.json()).toEqual({ event: "news", data: { text: "for A" } });
      expect(await onB.json()).toEqual({ event: "news", data: { text: "for B" } });

      // Room caps are each handle()'s own: A allows one joined topic, B two.
      onA.send(JSON.stringify({ event: "$join", data: { topic: "room-2" }, id: 3 }));
      expect((await onA.json()).error?.code).toBe("TOO_MANY_ROOMS");
      if (door.ownRoomCaps) {
        for (const [id, topic] of [[4, "room-1"], [5, "room-2"]] as const) {
          onB.send(JSON.stringify({ event: "$join", data: { topic }, id }));
          expect(await onB.json()).toMatchObject({ id, ack: { recovered: expect.any(Boolean) } });
        }
      }
      if (door.name === "Router") expect(foreignUpgrades).toEqual([false, false]);
    });
  });
}
