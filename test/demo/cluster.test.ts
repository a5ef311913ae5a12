// `npm run demo:cluster` in-process: two demo instances sharing one real redis-server; a chat and the presence
// list (people by tab id, with their names) cross instances.
import { expect, test } from "bun:test";
import { connect, type Client } from "bunwire/client";
import { redisBus, redisPresence } from "bunwire/redis";
import type { App } from "bunwire";
import { createDemo } from "../../demo/app.ts";
import { SharedPresence } from "../../demo/presence.ts";
import type { chat } from "../../demo/protocol.ts";
import { useRedisServer } from "../support/redis-server.ts";

const apps: App[] = [];
const presences: SharedPresence[] = [];
const clients: Client<typeof chat>[] = [];
const redis = useRedisServer({
  beforeStop: async () => {
    for (const client of clients) client.close();
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(presences.map((presence) => presence.close()));
  },
});

async function instance(name: string): Promise<string> {
  const presence = new SharedPresence(redisPresence({ url: redis.url }));
  presences.push(presence);
  const app = await createDemo({ bus: redisBus({ url: redis.url }), presence, instance: name });
  apps.push(app);
  return `127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`;
}

function next(client: Client<typeof chat>, event: "said" | "joined"): Promise<unknown> {
  return new Promise((resolve) => {
    const off = client.on(event, (data) => {
      off();
      resolve(data);
    });
  });
}

test("two instances on one Redis: each page says where it is, chat and presence cross instances", async () => {
  const [a, b] = [await instance("instance A"), await instance("instance B")];
  expect(await (await fetch(`http://${b}/instance`)).json()).toEqual({ instance: "instance B" });

  const adaPerson = { id: "00000000000000a1", name: "Ada" };
  const bobPerson = { id: "00000000000000b2", name: "Bob" };
  const ada = connect<typeof chat>(`ws://${a}/chat/lobby?name=Ada&id=${adaPerson.id}`, { reconnect: false });
  clients.push(ada);
  expect(await next(ada, "joined")).toEqual({ person: adaPerson, present: [adaPerson] });
  const adaSeesBob = next(ada, "joined");
  const bob = connect<typeof chat>(`ws://${b}/chat/lobby?name=Bob&id=${bobPerson.id}`, { reconnect: false });
  clients.push(bob);
  expect(await adaSeesBob).toEqual({ person: bobPerson, present: [adaPerson, bobPerson] });
  await bob.whenOpen();

  // Bob's subscription on instance B reaches Redis asynchronously: retry until the first message crosses.
  let heard: unknown;
  for (let attempt = 0; heard === undefined && attempt < 50; attempt++) {
    const bobHears = next(bob, "said");
    await ada.request("say", { text: `across ${attempt}` });
    heard = await Promise.race([bobHears, Bun.sleep(100).then(() => undefined)]);
  }
  expect(heard).toMatchObject({ from: "Ada", by: adaPerson.id, text: expect.stringMatching(/^across/) });
  const adaHears = next(ada, "said");
  await bob.request("say", { text: "hello from B" });
  expect(await adaHears).toMatchObject({ from: "Bob", text: "hello from B" });
});
