// Across instances: two processes' worth of file routes (two file-route front doors, one Redis), each client on a different
// instance. ctx.broadcast and router.publish go through the engine's publish path, so the bus carries them.
// Needs redis-server on PATH; skipped with a message without it.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { fileRoutes, type FileRoutes } from "../../src/fs/index.ts";
import { redisBus } from "../../src/redis/index.ts";
import { subscribersOnRedis } from "../redis/fixture.ts";
import { RedisServer } from "../support/redis-server.ts";
import { connected, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const hasRedis = Bun.which("redis-server") !== null;
if (!hasRedis) console.warn("[bunwire] SKIPPED file routes across instances: redis-server not found");

let redis: RedisServer;
const instances: { router: FileRoutes; server: Server<unknown> }[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await RedisServer.start();
  const dir = writeTree({
    "ws/room/[id]/route.ts": `
      export function onOpen(ws) { ws.send("open"); }
      export function onMessage(ws, message, ctx) { ctx.broadcast(message); }
    `,
  });
  for (let i = 0; i < 2; i++) {
    const router = await fileRoutes(dir, { bus: redisBus({ url: redis.url }) });
    instances.push({ router, server: router.serve({ port: 0, hostname: "127.0.0.1" }) });
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.router.close()));
  await redis?.stop();
});

describe.skipIf(!hasRedis)("file routes across instances (redisBus)", () => {
  test("ctx.broadcast reaches the sender here and the room's clients on the other instance, not other rooms", async () => {
    const here = await connected(wsUrl(instances[0]!.server, "/ws/room/42"));
    const there = await connected(wsUrl(instances[1]!.server, "/ws/room/42"));
    const elsewhere = await connected(wsUrl(instances[1]!.server, "/ws/room/7"));
    for (const c of [here, there, elsewhere]) expect(await c.next()).toBe("open");
    await subscribersOnRedis(redis.url, "bunwire:t:ws-room-42", 2);
    here.send("across");
    expect(await here.next()).toBe("across");
    expect(await there.next()).toBe("across");
    elsewhere.send("only 7");
    expect(await elsewhere.next()).toBe("only 7");
    // router.publish on one instance reaches the topic everywhere, too.
    instances[1]!.router.publish("ws-room-42", "from instance 2");
    expect(await here.next()).toBe("from instance 2");
    expect(await there.next()).toBe("from instance 2");
    for (const c of [here, there, elsewhere]) c.close();
  });
});
