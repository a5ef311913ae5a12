// The churn scenario shared by test/churn.test.ts (about 5,000 cycles) and test-stress/churn.stress.ts (30,000):
// one App with a bus, per-IP caps, sessions and a rate limit, serving the four front doors side by side (its own
// typed-protocol route with rooms, history and presence, a Router, file routes and a gateway). Each cycle opens a
// socket from its own client IP (X-Forwarded-For), joins a room of its own, exchanges a message and closes.
// `sizes()` reads every per-topic, per-IP, per-user, per-connection and per-session map the code keeps.

import { z } from "zod";
import { bunwire, connectionOf, defineProtocol, MemoryHistory, MemoryStore, rateLimit, session, type Bus, type WebSocketData } from "../src/index.ts";
import { addSizes, sizesOf, type Sizes } from "../src/engine/index.ts";
import { fileRoutes } from "../src/fs/index.ts";
import { Application, OnOpen, paramsOf, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "../src/gateway/index.ts";
import { servingSizes } from "../src/protocol/state.ts";
import type { RedisPresence } from "../src/redis/index.ts";
import { Router } from "../src/router/index.ts";
import { writeTree } from "./fs/support.ts";

/** How long the time-windowed maps keep an entry: the rate limit's window and the history's maxAgeMs. */
export const WINDOW_MS = 100;

const chat = defineProtocol({
  name: "churn-chat",
  client: { say: z.object({ text: z.string() }) },
  server: { said: z.object({ text: z.string() }) },
});

const greeting = defineProtocol({ name: "churn-gateway", client: { hello: z.object({}) }, server: {} });

@WebSocketGateway("/gw/:room", { protocol: greeting, rooms: true })
class ChurnGateway {
  @OnOpen()
  open(ws: ServerWebSocket): void {
    ws.subscribe(paramsOf(ws).room!);
  }

  @SubscribeMessage("hello")
  hello(): string {
    return "hi";
  }
}

export interface ChurnServer {
  readonly port: number;
  /** Every map's size, by name. */
  sizes(): Sizes;
  /** Local subscribers (Bun's own count) of the rooms cycles `from` to `to` used. */
  subscribers(from: number, to: number): number;
  /** One plain HTTP request: the rate limit sweeps its expired windows on the way. */
  touch(): Promise<void>;
  stop(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {} };

export async function churnServer(bus: Bus, presence: RedisPresence | undefined): Promise<ChurnServer> {
  const history = new MemoryHistory({ maxAgeMs: WINDOW_MS, sweepIntervalMs: WINDOW_MS / 2 });
  const store = new MemoryStore();
  const limiter = rateLimit({ windowMs: WINDOW_MS, max: 1_000_000 });
  const app = bunwire({ bus, trustProxy: true, maxConnectionsPerIp: 2, development: false, logger: silent });
  app.use(session({ secret: "churn", store }), limiter);

  type AppData = WebSocketData<{ room: string }>;
  const handlers = chat.handle<AppData>(
    {
      say(ws, { text }) {
        void chat.publish(app, ws.data.params.room, "said", { text });
        return { ok: true };
      },
    },
    {
      history,
      rooms: true,
      async open(ws) {
        ws.data.req.session.seen = true;
        await ws.data.req.session.save();
        await presence?.join(ws.data.params.room, connectionOf(ws)!.id, { at: 1 });
      },
      async close(ws) {
        await presence?.leave(ws.data.params.room, connectionOf(ws)!.id);
        await ws.data.req.session.destroy();
      },
    },
  );
  app.ws("/app/:room", handlers as never);

  // A Router with caps of its own: its connections count in a scope of their own.
  const router = new Router<{ room: string }>({ maxConnectionsPerIp: 2 });
  router.get("/room/:room", (req) => {
    router.upgrade(req, { data: { room: req.params.room! } });
    return new Response("upgrade only");
  });
  router.websocket({
    open(ws) {
      ws.subscribe(ws.data.room);
    },
    message(ws, message) {
      ws.send(message);
      ws.publish(ws.data.room, message);
    },
  });
  app.use("/r", router);

  const files = await fileRoutes(writeTree({ "ws/room/[id]/route.ts": "export function onMessage(ws, message, ctx) { ctx.broadcast(message); }" }));
  app.use("/f", files);

  const gateways = new Application({ globalRegistry: false }).registerGateway(ChurnGateway);
  app.use(gateways);

  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  // The topics cycle i subscribed to, by front door (see `churn`).
  const topicsOf = (i: number): string[] => [[`room-${i}`], [`ws-room-room-${i}`], [`room-${i}`], [`room-${i}`, `room-${i}-joined`]][i % 4]!;
  return {
    port: server.port!,
    sizes() {
      const sizes: Sizes = {};
      addSizes(sizes, sizesOf(app.engine));
      addSizes(sizes, sizesOf(router));
      addSizes(sizes, sizesOf(store));
      addSizes(sizes, sizesOf(limiter));
      addSizes(sizes, servingSizes(chat), "chat:");
      addSizes(sizes, servingSizes(greeting), "gateway:");
      addSizes(sizes, sizesOf(presence));
      sizes["history.topics"] = history.size;
      return sizes;
    },
    subscribers(from, to) {
      let count = 0;
      for (let i = from; i < to; i++) for (const topic of topicsOf(i)) count += app.subscriberCount(topic);
      return count;
    },
    async touch() {
      await fetch(`http://127.0.0.1:${server.port}/nothing-here`, { headers: { "x-forwarded-for": "192.0.2.1" } });
    },
    async stop() {
      await app.close();
      await history.close();
    },
  };
}

/** One socket's life: open from `ip`, send each step and wait for the frame it expects, then close. */
async function cycle(url: string, ip: string, steps: ReadonlyArray<readonly [send: string, until: string]>): Promise<void> {
  const ws = new WebSocket(url, { headers: { "x-forwarded-for": ip } } as unknown as string[]);
  let expected = "";
  let reached: (() => void) | undefined;
  ws.addEventListener("message", (event) => {
    if (reached !== undefined && String(event.data).includes(expected)) reached();
  });
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`${url} from ${ip}: could not open`)));
  });
  for (const [send, until] of steps) {
    expected = until;
    const got = new Promise<void>((resolve) => (reached = resolve));
    ws.send(send);
    await got;
  }
  ws.close();
  await closed;
}

/** Drops the connection without a close frame (Bun's client has `terminate`; the DOM type does not say so). */
const terminate = (ws: WebSocket): void => (ws as WebSocket & { terminate(): void }).terminate();

/**
 * A socket's life cut short at `moment`: 0 terminated before open, 1 right after it, 2 mid-join (a join and a
 * message sent, then terminated), 3 closed right after sending its join, before any reply.
 */
async function abruptCycle(url: string, ip: string, join: string, moment: number): Promise<void> {
  const ws = new WebSocket(url, { headers: { "x-forwarded-for": ip } } as unknown as string[]);
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  if (moment === 0) {
    terminate(ws); // the handshake perhaps still on its way
    return closed;
  }
  await new Promise<void>((resolve) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => resolve());
  });
  if (moment >= 2) ws.send(join);
  if (moment === 2) ws.send("hi");
  if (moment === 3) ws.close();
  else terminate(ws);
  return closed;
}

/** Like `churn`, but no cycle waits for a reply: cycle i ends abruptly at moment (i / 4) % 4 of `abruptCycle`. */
export async function churnAbruptly(port: number, from: number, to: number, concurrency: number): Promise<void> {
  const base = `ws://127.0.0.1:${port}`;
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      const room = `room-${i}`;
      const url = [`${base}/app/${room}`, `${base}/f/ws/room/${room}`, `${base}/r/room/${room}`, `${base}/gw/${room}`][i % 4]!;
      const join = JSON.stringify({ event: "$join", data: { topic: i % 4 === 3 ? `${room}-joined` : room }, id: 1 });
      await abruptCycle(url, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, join, (i >> 2) % 4);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Runs cycles `from` to `to` (`concurrency` at a time); cycle i uses front door i % 4 and room `room-<i>`. */
export async function churn(port: number, from: number, to: number, concurrency: number): Promise<void> {
  const base = `ws://127.0.0.1:${port}`;
  const run = (i: number): Promise<void> => {
    const room = `room-${i}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    switch (i % 4) {
      case 0:
        return cycle(`${base}/app/${room}`, ip, [
          [JSON.stringify({ event: "$join", data: { topic: room }, id: 1 }), '"id":1'],
          [JSON.stringify({ event: "say", data: { text: "hi" }, id: 2 }), '"id":2'],
        ]);
      case 1:
        return cycle(`${base}/f/ws/room/${room}`, ip, [["hi", "hi"]]);
      case 2:
        return cycle(`${base}/r/room/${room}`, ip, [["hi", "hi"]]);
      default:
        return cycle(`${base}/gw/${room}`, ip, [
          [JSON.stringify({ event: "$join", data: { topic: `${room}-joined` }, id: 1 }), '"id":1'],
          [JSON.stringify({ event: "hello", data: {}, id: 2 }), '"id":2'],
        ]);
    }
  };
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await run(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Waits until `read()` equals `expected` (the server runs close handlers after the clients saw their close), up
 * to `deadlineMs`; returns the last reading either way, for the test to compare and print. Without `expected`,
 * waits until two readings in a row agree.
 */
export async function settled(read: () => Sizes | Promise<Sizes>, expected?: Sizes, deadlineMs = 10_000): Promise<Sizes> {
  const until = Date.now() + deadlineMs;
  let previous: Sizes | undefined;
  let sizes = await read();
  while (!Bun.deepEquals(sizes, expected ?? previous) && Date.now() < until) {
    await Bun.sleep(20); // polling server-side bookkeeping that has no event to await
    previous = sizes;
    sizes = await read();
  }
  return sizes;
}
