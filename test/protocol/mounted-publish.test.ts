// A Router, file routes or a gateway Application mounted into an App has no server of its own: typed publish and
// broadcast aimed at it, and a presence relay, go to the App's server that serves its sockets, with the door's own
// handle() settings (its history records, its broadcastTopic).
import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, MemoryHistory, type App } from "../../src/index.ts";
import { redisPresence } from "../../src/redis/index.ts";
import { RedisServer } from "../support/redis-server.ts";
import { connect } from "../../src/client/index.ts";
import { fileRoutes } from "../../src/fs/index.ts";
import { Application, WebSocketGateway } from "../../src/gateway/index.ts";
import { Router } from "../../src/router/index.ts";
import { writeTree } from "../fs/support.ts";
import { until } from "../support/socket.ts";

const news = defineProtocol({ name: "news", client: {}, server: { item: z.object({ n: z.number() }) } });
const settings = () => ({ rooms: true, history: new MemoryHistory(), broadcastTopic: "everyone" });
const HANDLERS = "__bunwireMountedNews";

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const doors: Array<[string, (app: App) => Promise<{ target: object; path: string }>]> = [
  [
    "Router",
    async (app) => {
      const router = new Router();
      router.websocket(news.handle({}, settings()));
      app.use("/r", router);
      return { target: router, path: "/r/news" };
    },
  ],
  [
    "file routes",
    async (app) => {
      (globalThis as Record<string, unknown>)[HANDLERS] = news.handle({}, settings());
      const files = await fileRoutes(writeTree({ "sockets/news/route.ts": `export default globalThis.${HANDLERS};` }));
      app.use("/f", files);
      return { target: files, path: "/f/sockets/news" };
    },
  ],
  [
    "gateway",
    async (app) => {
      @WebSocketGateway("/news", { protocol: news, ...settings() })
      class NewsGateway {}
      const application = new Application({ globalRegistry: false }).registerGateway(NewsGateway);
      app.use("/g", application);
      return { target: application, path: "/g/news" };
    },
  ],
];

for (const [door, mount] of doors) {
  test(`${door} mounted into an App: publish records in its history, broadcast reaches its broadcastTopic`, async () => {
    const app = bunwire({ development: false });
    const { target, path } = await mount(app);
    const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
    closers.push(() => app.close());
    const client = connect<typeof news>(`ws://127.0.0.1:${port}${path}`, { heartbeat: false });
    closers.push(() => client.close());
    const got: Array<[number, number | undefined]> = [];
    client.on("item", ({ n }, meta) => void got.push([n, (meta as { seq?: number }).seq]));
    await client.join("room");

    const offset = await news.publish(target as never, "room", "item", { n: 1 });
    expect(offset).toBeDefined();
    news.broadcast(target as never, "item", { n: 2 });
    await until(() => got.length === 2, 2000, "the published and the broadcast event");
    expect(got).toEqual([[1, 1], [2, undefined]]);
  });
}

test("presence relay aimed at a mounted door reaches the sockets the App serves for it", async () => {
  const redis = await RedisServer.start();
  closers.push(() => redis.stop());
  const app = bunwire({ development: false });
  const router = new Router();
  router.websocket({ open: (ws) => void ws.subscribe("lobby") });
  app.use("/r", router);
  const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
  closers.push(() => app.close());
  const presence = redisPresence({ url: redis.url });
  closers.push(() => presence.close());
  closers.push(presence.relay(router, { topic: "lobby" }));
  await presence.ready();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/r/watch`);
  const events: string[] = [];
  ws.onmessage = (event) => void events.push(String(event.data));
  await new Promise((resolve) => (ws.onopen = resolve));
  closers.push(() => ws.close());
  await until(() => app.subscriberCount("lobby") === 1, 2000, "the watcher to subscribe");
  await presence.join("lobby", "ada", { role: "host" });
  await until(() => events.length === 1, 2000, "the relayed join");
  expect(JSON.parse(events[0]!)).toMatchObject({ type: "join", topic: "lobby", id: "ada" });
});
