// One contract for presence seen by clients (`handle({ rooms, presence: { store } })` and `client.presence(room)`),
// run with memoryPresence on one instance (test/cluster/presence.test.ts), redisPresence on two instances
// (test/redis/presence-clients.test.ts) and on a Redis Cluster (test/redis/presence-cluster.test.ts). Real Apps,
// real clients admitted with a user, one of them speaking MessagePack.
import { afterEach, describe, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, type Bus, type PresenceStore } from "bunwire";
import { connect, type Client, type PresenceChange, type RoomPresence } from "bunwire/client";
import { msgpack } from "bunwire/client/msgpack";
import { until } from "../support/socket.ts";

export const lobby = defineProtocol({
  name: "lobby",
  client: { hello: z.object({}) },
  server: {},
});

export interface PresenceSetup {
  /** How many instances to spread the clients over (1 for in-memory presence). */
  instances: number;
  /** A store for one instance (each instance gets its own, on the same backend). */
  store(): PresenceStore & { close?(): Promise<void> };
  bus?(): Bus;
}

interface Instance {
  app: ReturnType<typeof bunwire>;
  url(user: string): string;
  /** Users whose upgrades are refused (503) until removed: a client kept away while the room changes. */
  blocked: Set<string>;
}

export function presenceContract(label: string, setup: () => PresenceSetup): void {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function instances(): Promise<Instance[]> {
    const { instances: n, store, bus } = setup();
    const out: Instance[] = [];
    for (let i = 0; i < n; i++) {
      const presence = store();
      const blocked = new Set<string>();
      const app = bunwire({ development: false, bus: bus?.() });
      app.use((req, res, next) => {
        const user = String(req.query.user);
        if (blocked.has(user)) return void res.status(503).send("not now");
        req.user = { id: user, name: user.toUpperCase() };
        next();
      });
      app.ws("/rooms", lobby.handle({ hello: () => true }, { rooms: (_ws, topic) => topic !== "secret", presence: { store: presence } }));
      app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      cleanup.push(() => presence.close?.(), () => app.close({ timeout: 1000 }));
      out.push({ app, url: (user) => `ws://127.0.0.1:${app.port}/rooms?user=${user}`, blocked });
    }
    return out;
  }

  async function client(url: string, binary = false): Promise<Client<typeof lobby>> {
    const c = connect<typeof lobby>(url, { reconnect: { initialDelay: 20, maxDelay: 100 }, ...(binary ? { codec: msgpack } : {}) });
    cleanup.push(() => c.close());
    await c.whenOpen();
    return c;
  }

  function record(view: RoomPresence): string[] {
    const changes: string[] = [];
    view.on((change: PresenceChange) => changes.push(change.type === "sync" ? "sync" : `${change.type} ${change.id}`));
    return changes;
  }

  describe(`${label}: presence for clients`, () => {
    test("a follower gets the snapshot then joins and leaves; a user with two tabs counts once", async () => {
      const nodes = await instances();
      const at = (i: number) => nodes[i % nodes.length]!;
      const ada1 = await client(at(0).url("ada"));
      await ada1.join("lobby");
      const watcher = await client(at(1).url("bob"), true);
      const view = watcher.presence("lobby");
      expect(watcher.presence("lobby")).toBe(view); // one follow per room per client
      const changes = record(view);
      await view.ready;
      expect([...view.members]).toEqual([["ada", { name: "ADA" }]]);

      const ada2 = await client(at(1).url("ada")); // a second tab, on the other instance when there is one
      await ada2.join("lobby");
      const carol = await client(at(0).url("carol"));
      await carol.join("lobby");
      await until(() => changes.length === 2, 5000, "carol's join");
      expect(changes).toEqual(["sync", "join carol"]); // ada's second tab changed nothing

      ada1.close();
      await carol.leave("lobby");
      await until(() => changes.length === 3, 5000, "carol's leave");
      await ada2.leave("lobby"); // ada's last tab
      await until(() => changes.length === 4, 5000, "ada's leave");
      expect(changes).toEqual(["sync", "join carol", "leave carol", "leave ada"]);
      expect(view.members.size).toBe(0);
      expect(view.synced).toBe(true);
    }, 15_000);

    test("following is authorised like a join; a connection closing leaves every room it was in", async () => {
      const nodes = await instances();
      const at = (i: number) => nodes[i % nodes.length]!;
      const watcher = await client(at(1).url("bob"));
      await expect(watcher.presence("secret").ready).rejects.toMatchObject({ code: "NOT_ALLOWED" });
      const view = watcher.presence("hall");
      const changes = record(view);
      await view.ready;
      const dave = await client(at(0).url("dave"));
      await dave.join("hall");
      await dave.join("kitchen");
      const kitchen = watcher.presence("kitchen");
      await kitchen.ready;
      expect([...kitchen.members.keys()]).toEqual(["dave"]);
      await until(() => changes.length === 2, 5000, "dave's join");
      dave.close();
      await until(() => changes.length === 3 && kitchen.members.size === 0, 5000, "dave's leave from both rooms");
      expect(changes).toEqual(["sync", "join dave", "leave dave"]);
      await kitchen.close();
    }, 15_000);

    test("a follower cut off resyncs on reconnect and hears what changed while it was away", async () => {
      const nodes = await instances();
      const at = (i: number) => nodes[i % nodes.length]!;
      const erin = await client(at(0).url("erin"));
      await erin.join("hall");
      const watcher = await client(at(1).url("bob"));
      const view = watcher.presence("hall");
      const changes = record(view);
      await view.ready;
      // Cut the watcher's socket and keep it away (its upgrades answer 503) while the room changes.
      at(1).blocked.add("bob");
      const cut = new Promise<void>((resolve) => watcher.onState((state) => state === "reconnecting" && resolve()));
      expect((await at(1).app.cluster.disconnect({ user: "bob" }, { code: 4000, reason: "cut by the test" })).count).toBe(1);
      await cut;
      expect(view.synced).toBe(false);
      erin.close();
      const frank = await client(at(0).url("frank"));
      await frank.join("hall");
      at(1).blocked.delete("bob");
      await until(() => changes.length === 4, 5000, "the resync");
      expect(changes).toEqual(["sync", "leave erin", "join frank", "sync"]);
      expect([...view.members.keys()]).toEqual(["frank"]);
    }, 15_000);

    test("a follower that is in the room itself does not see itself leave and join again after a reconnect", async () => {
      const nodes = await instances();
      const at = (i: number) => nodes[i % nodes.length]!;
      const gina = await client(at(1).url("gina"));
      await gina.join("attic");
      const view = gina.presence("attic");
      const changes = record(view);
      await view.ready;
      const reopened = new Promise<void>((resolve) => {
        let cut = false;
        gina.onState((state) => {
          if (state === "reconnecting") cut = true;
          else if (state === "open" && cut) resolve();
        });
      });
      expect((await at(1).app.cluster.disconnect({ user: "gina" }, { code: 4000, reason: "cut by the test" })).count).toBe(1);
      await reopened;
      await until(() => view.synced && changes.length >= 2, 5000, "the resync");
      await Bun.sleep(100); // a late join of oneself would land here
      expect(changes).toEqual(["sync", "sync"]);
      expect([...view.members.keys()]).toEqual(["gina"]);
    }, 15_000);
  });
}
