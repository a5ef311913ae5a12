// The four front doors serving one typed feed with a Redis bus and a Redis history, as instances of one cluster:
// the App, the Router, a file socket route, and a gateway. Each builder starts a fresh instance; the recovery
// contract (recovery-contract.test.ts) runs the same client moves through every door.

import { z } from "zod";
import { bunwire } from "../../src/index.ts";
import { fileRoutes } from "../../src/fs/index.ts";
import { Application, WebSocketGateway } from "../../src/gateway/index.ts";
import { defineProtocol, type ProtocolSocketHandlers, type PublishTarget } from "../../src/protocol/index.ts";
import { redisBus, redisHistory, type RedisHistory } from "../../src/redis/index.ts";
import { Router } from "../../src/router/index.ts";
import { writeTree } from "../fs/support.ts";

export const feed = defineProtocol({ name: "feed", client: {}, server: { tick: z.object({ n: z.number() }) } });

export interface FeedInstance {
  port: number;
  /** The WebSocket path of the feed on this door. */
  path: string;
  /** Where `feed.publish` goes through: the front door itself (local subscribers, then the bus). */
  target: PublishTarget;
  /** This instance's connection to the shared history. */
  history: RedisHistory;
  close(): Promise<void>;
}

export type Door = (redisUrl: string) => Promise<FeedInstance>;

function handlers(history: RedisHistory): ProtocolSocketHandlers<Record<string, unknown>> {
  return feed.handle({}, { rooms: true, history });
}

const quick = { development: false } as const;
/** Buses that come back within 200 ms of Redis, so a restart test does not wait for the default backoff. */
const bus = (url: string) => redisBus({ url, reconnect: { minDelayMs: 20, maxDelayMs: 200 } });
const HANDLERS = "__bunwireRecoveryFeeds";
let files = 0;

export const DOORS: Array<[string, Door]> = [
  [
    "App",
    async (url) => {
      const history = redisHistory({ url });
      const app = bunwire({ ...quick, bus: bus(url) });
      app.ws("/feed", handlers(history));
      const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
      return { port, path: "/feed", target: app, history, close: async () => (await app.close(), await history.close()) };
    },
  ],
  [
    "Router",
    async (url) => {
      const history = redisHistory({ url });
      const router = new Router({ ...quick, bus: bus(url) });
      router.websocket(handlers(history));
      const port = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
      return { port, path: "/feed", target: router, history, close: async () => (await router.close(), await history.close()) };
    },
  ],
  [
    "file socket route",
    async (url) => {
      const history = redisHistory({ url });
      // One route file per instance (a module is loaded once per path): each instance gets its own handlers.
      const name = `feed${++files}`;
      const registry = ((globalThis as Record<string, unknown>)[HANDLERS] ??= {}) as Record<string, unknown>;
      registry[name] = handlers(history);
      const dir = writeTree({ "sockets/feed/route.ts": `export default globalThis.${HANDLERS}.${name};` });
      const router = await fileRoutes(dir, { ...quick, bus: bus(url) });
      const port = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
      return { port, path: "/sockets/feed", target: router, history, close: async () => (await router.close(), await history.close()) };
    },
  ],
  [
    "gateway",
    async (url) => {
      const history = redisHistory({ url });
      @WebSocketGateway("/feed", { protocol: feed, rooms: true, history })
      class FeedGateway {}
      const app = new Application({ ...quick, port: 0, hostname: "127.0.0.1", globalRegistry: false, bus: bus(url) }).registerGateway(FeedGateway);
      const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
      return { port, path: "/feed", target: app, history, close: async () => (await app.close(), await history.close()) };
    },
  ],
];
