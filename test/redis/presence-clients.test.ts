// Presence for clients over Redis (test/cluster/presence-contract.ts): two instances, each with its own
// redisPresence and redisBus on one real redis-server; a user's tabs are spread over both. Then a follow made while
// redis-server is down (killed with SIGKILL), which succeeds once it is restarted.
import { expect, test } from "bun:test";
import { redisBus, redisPresence, RedisPresence } from "bunwire/redis";
import { until } from "../support/socket.ts";
import { presenceContract } from "../cluster/presence-contract.ts";
import { useRedisServer } from "../support/redis-server.ts";

const redis = useRedisServer();

presenceContract("redisPresence", () => ({
  instances: 2,
  store: () => redisPresence({ url: redis.url }),
  bus: () => redisBus({ url: redis.url }),
}));

test("a follow while Redis is down answers PRESENCE_UNAVAILABLE and the client asks again until the snapshot arrives, entries restored", async () => {
  const { bunwire, serverProtocol } = await import("bunwire");
  const { connect } = await import("bunwire/client");
  const { lobby } = await import("../cluster/presence-contract.ts");
  // Counts the follows that reached the store: a second one means the first failed and the client retried.
  class CountingPresence extends RedisPresence {
    follows = 0;
    override live(topic: string): Promise<void> {
      this.follows++;
      return super.live(topic);
    }
  }
  const presence = new CountingPresence({ url: redis.url });
  const app = bunwire({ development: false });
  app.use((req, _res, next) => {
    req.user = { id: String(req.query.user) };
    next();
  });
  app.ws("/rooms", serverProtocol(lobby).handle({ hello: () => true }, { rooms: true, presence: { store: presence } }));
  app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  const ada = connect<typeof lobby>(`ws://127.0.0.1:${app.port}/rooms?user=ada`);
  const watcher = connect<typeof lobby>(`ws://127.0.0.1:${app.port}/rooms?user=bob`);
  try {
    await ada.join("hall");
    await watcher.whenOpen();
    await redis.kill();
    const hall = watcher.presence("hall");
    await until(() => presence.follows >= 2, 10_000, "a second follow after PRESENCE_UNAVAILABLE");
    expect(hall.synced).toBe(false);
    await redis.restart(); // empty: the instance puts ada back when it reconnects
    await hall.ready;
    await until(() => hall.members.has("ada"), 10_000, "ada back in the hall");
    expect([...hall.members.keys()]).toEqual(["ada"]);
  } finally {
    ada.close();
    watcher.close();
    await app.close({ timeout: 1000 });
    await presence.close();
  }
}, 30_000);
