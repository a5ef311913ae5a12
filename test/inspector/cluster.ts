// A small two-instance chat cluster on one Redis, with presence and the inspector mounted on both instances, and a
// scripted crowd on it (users in rooms, a refused upgrade, a failing handler): what the Chromium test checks and
// what scripts/inspector-screenshot.ts photographs.

import { BunwireError, bunwire, connectionOf, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import { redisBus, redisPresence, type RedisBus, type RedisPresence } from "bunwire/redis";
import { membersKnown, subscribersOnRedis } from "../redis/fixture.ts";
import { RedisServer } from "../support/redis-server.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

export const INSPECTOR_TOKEN = "inspector-demo-token-0123456789";

export interface Instance {
  readonly app: App;
  readonly bus: RedisBus;
  readonly presence: RedisPresence;
  readonly http: string;
  readonly ws: string;
}

export interface DemoCluster {
  readonly redis: RedisServer;
  readonly a: Instance;
  readonly b: Instance;
  readonly sockets: TestSocket[];
  stop(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function instance(redis: RedisServer): Instance {
  const bus = redisBus({ url: redis.url, heartbeatMs: 200, logger: quiet });
  const presence = redisPresence({ url: redis.url });
  const app = bunwire({ bus, development: false, logger: quiet });
  app.use(observe({ token: INSPECTOR_TOKEN, presence, inspector: { tail: true } }));
  app.ws("/chat/:room", {
    upgrade: (req) => ({ user: { id: String(req.query.user), plan: "pro" } }),
    async open(ws) {
      ws.subscribe(ws.data.params.room!);
      await presence.join(ws.data.params.room!, connectionOf(ws)!.user!.id);
    },
    message(ws, message) {
      if (message === "boom") throw new BunwireError("CHAT_STORE_DOWN", "could not store the message (https://store.example/put?key=SECRET)");
      ws.publish(ws.data.params.room!, message);
    },
    async close(ws) {
      await presence.leave(ws.data.params.room!, connectionOf(ws)!.user!.id);
    },
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  return { app, bus, presence, http: `http://127.0.0.1:${server.port}`, ws: `ws://127.0.0.1:${server.port}` };
}

/** Starts Redis and two instances, then: ada and bob in the lobby on A, carol in the lobby and dave in the kitchen on
 *  B, a foreign origin refused on A, ada's "boom" failing on A, some chatter. Resolves once presence and the cluster
 *  have settled. */
export async function startDemoCluster(): Promise<DemoCluster> {
  const redis = await RedisServer.start();
  const a = instance(redis);
  const b = instance(redis);
  const sockets: TestSocket[] = [];
  const join = async (on: Instance, room: string, user: string) => {
    const socket = await TestSocket.open(`${on.ws}/chat/${room}?user=${user}`);
    sockets.push(socket);
    return socket;
  };
  const ada = await join(a, "lobby", "ada");
  const bob = await join(a, "lobby", "bob");
  await join(b, "lobby", "carol");
  await join(b, "kitchen", "dave");
  await membersKnown([a.bus, b.bus]);
  await subscribersOnRedis(redis.url, "bunwire:t:lobby", 2);
  await upgradeAttempt(`${a.ws}/chat/lobby?user=mallory`, { Origin: "https://evil.example" });
  ada.send("boom");
  for (let i = 0; i < 5; i++) bob.send(`hello ${i}`);
  await ada.take(5);
  for (const [on, count] of [[a, 2], [b, 2]] as const) {
    for (let attempt = 0; (await on.presence.list(on === a ? "lobby" : "kitchen")).length < (on === a ? 3 : 1); attempt++) {
      if (attempt > 200) throw new Error(`presence never settled (${count})`);
      await Bun.sleep(10); // presence joins land in Redis a moment after the sockets open
    }
  }
  return {
    redis,
    a,
    b,
    sockets,
    async stop() {
      for (const socket of sockets) socket.ws.close();
      await Promise.all([a, b].map(async (one) => {
        await one.app.close({ timeout: 1000 });
        await one.presence.close();
      }));
      await redis.stop();
    },
  };
}
