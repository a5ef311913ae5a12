// One contract for cluster operations on every bus driver (run by test/cluster/redis.test.ts and nats.test.ts):
// real Apps on a real broker, real clients admitted with a user, and an instance in its own process that is
// frozen with SIGSTOP and then killed with SIGKILL. Each operation returns what arrived and names who did not answer.
import { afterEach, describe, expect, test } from "bun:test";
import { bunwire, connectionOf } from "bunwire";
import type { TransportBus } from "../../src/bus/transport-bus.ts";
import { membersKnown } from "../redis/fixture.ts";
import { TestSocket, until } from "../support/socket.ts";
import { ChildInstance } from "./child.ts";

export interface BrokerUnderTest {
  bus(options?: { heartbeatMs?: number }): TransportBus;
  /** Arguments for test/cluster/instance-process.ts: the driver and the broker URL. */
  processArgs(): [string, string];
}

type App = ReturnType<typeof bunwire>;

interface Node {
  app: App;
  bus: TransportBus;
  url(user: string): string;
}

/** A connected client and its connection id (the server says it on open). */
async function connect(url: string): Promise<{ socket: TestSocket; id: string }> {
  const socket = await TestSocket.open(url);
  return { socket, id: String(await socket.next()).slice("hello ".length) };
}

export function clusterContract(name: string, broker: () => BrokerUnderTest): void {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function node(options?: { heartbeatMs?: number }): Promise<Node> {
    const bus = broker().bus(options);
    const app = bunwire({ bus, development: false });
    app.ws("/chat", {
      upgrade: (req) => (typeof req.query.user === "string" ? { user: { id: req.query.user, plan: "pro" } } : true),
      open(ws) {
        ws.send(`hello ${connectionOf(ws)!.id}`);
      },
    });
    app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    cleanup.push(() => app.close({ timeout: 1000 }));
    await bus.ready();
    return { app, bus, url: (user) => `ws://127.0.0.1:${app.port}/chat?user=${user}` };
  }

  function client<T extends { socket: TestSocket }>(c: T): T {
    cleanup.push(() => c.socket.close());
    return c;
  }

  describe(`${name}: cluster operations`, () => {
    test("connections, join, leave and disconnect reach the connections on every instance, the asker's included", async () => {
      const [a, b] = [await node(), await node()];
      await membersKnown([a.bus, b.bus]);
      const adaA = client(await connect(a.url("ada")));
      const adaB1 = client(await connect(b.url("ada")));
      const adaB2 = client(await connect(b.url("ada")));
      const bob = client(await connect(b.url("bob")));

      const listed = await a.app.cluster.connections({ user: "ada" });
      expect(listed.missing).toEqual([]);
      expect(listed.connections.map((c) => c.id).sort()).toEqual([adaA.id, adaB1.id, adaB2.id].sort());
      const onB = listed.connections.find((c) => c.id === adaB1.id)!;
      expect(onB).toMatchObject({ instance: b.bus.instanceId, user: { id: "ada", plan: "pro" }, route: "/chat" });
      expect(adaB1.id.startsWith(`${b.bus.instanceId}:`)).toBe(true);
      expect((await b.app.cluster.connections({ id: adaA.id })).connections.map((c) => c.instance)).toEqual([a.bus.instanceId]);

      // After join resolves the new subscriptions are live on the broker: a publish from anywhere reaches them.
      expect(await a.app.cluster.join({ user: "ada" }, "room")).toEqual({ count: 3, missing: [], failed: [] });
      a.app.publish("room", "to the room");
      for (const c of [adaA, adaB1, adaB2]) expect(String(await c.socket.next())).toBe("to the room");
      expect(await b.app.clusterSubscriberCount("room")).toBe(3);
      const room = await b.app.cluster.connections({ topic: "room" });
      expect(room.connections).toHaveLength(3);

      expect((await b.app.cluster.leave({ topic: "room" }, "room")).count).toBe(3);
      expect(await a.app.clusterSubscriberCount("room")).toBe(0);
      expect((await a.app.cluster.connections({ topic: "room" })).connections).toEqual([]);

      expect(await a.app.cluster.disconnect({ user: "ada" }, { code: 4003, reason: "banned" })).toEqual({ count: 3, missing: [], failed: [] });
      for (const c of [adaA, adaB1, adaB2]) expect(await c.socket.closed).toMatchObject({ code: 4003, reason: "banned" });
      expect(bob.socket.ws.readyState).toBe(WebSocket.OPEN);
      await until(() => b.app.subscriberCount("$user:ada") === 0);
      expect((await a.app.cluster.connections({ user: "bob" })).connections.map((c) => c.id)).toEqual([bob.id]);
    });

    test("emit reaches the other instances' handlers, not the asker's, with their replies; a throwing handler is reported", async () => {
      const [a, b, c] = [await node(), await node(), await node()];
      await membersKnown([a.bus, b.bus, c.bus]);
      a.app.cluster.on("config", () => "the asker must not answer itself");
      b.app.cluster.on("config", (data, { from }) => ({ got: data, from, me: "b" }));
      c.app.cluster.on("config", () => {
        throw new Error("c cannot reload");
      });
      const result = await a.app.cluster.emit<{ got: unknown; from: string; me: string }>("config", { version: 2 });
      expect(result.replies).toEqual([{ instance: b.bus.instanceId, data: { got: { version: 2 }, from: a.bus.instanceId, me: "b" } }]);
      expect(result.failed).toEqual([{ instance: c.bus.instanceId, message: "c cannot reload" }]);
      expect(result.missing).toEqual([]);
      expect(a.app.cluster.members().sort()).toEqual([a.bus.instanceId, b.bus.instanceId, c.bus.instanceId].sort());
      expect(await b.app.cluster.emit("nobody-listens")).toEqual({ replies: [], missing: [], failed: [] });
      // A reply with no JSON form (a function) is that instance's failure (INVALID_REPLY), not a silent nothing.
      b.app.cluster.on("shape", () => () => "not data");
      expect((await a.app.cluster.emit("shape")).failed).toEqual([{ instance: b.bus.instanceId, message: 'the handler of "shape" returned a value with no JSON form' }]);
    });

    test("a frozen instance is named in `missing` after the timeout and the others' results still arrive; a killed one is forgotten", async () => {
      const a = await node({ heartbeatMs: 300 });
      const [kind, url] = broker().processArgs();
      const instance = await ChildInstance.start(kind, url, 300);
      cleanup.push(() => instance.kill());
      const child = instance.proc;
      const childId = instance.id;
      expect(childId).toMatch(/^[0-9a-f]{16}$/);
      await until(() => a.app.cluster.members().includes(childId), 5000, "the child's heartbeat");
      const onA = client(await connect(a.url("ada")));
      const onChild = client(await connect(instance.url("user=ada")));
      expect((await a.app.cluster.connections({ user: "ada" })).connections.map((c) => c.instance).sort()).toEqual([a.bus.instanceId, childId].sort());
      expect((await a.app.cluster.emit("whoami")).replies.map((r) => r.data)).toEqual([`child ${childId}`]);

      child.kill("SIGSTOP");
      const listed = await a.app.cluster.connections({ user: "ada" }, { timeoutMs: 300 });
      expect(listed.connections.map((c) => c.id)).toEqual([onA.id]);
      expect(listed.missing).toEqual([childId]);
      expect(await a.app.cluster.emit("whoami", null, { timeoutMs: 300 })).toEqual({ replies: [], missing: [childId], failed: [] });
      expect(await a.app.cluster.disconnect({ user: "ada" }, { code: 4000, timeoutMs: 300 })).toEqual({ count: 1, missing: [childId], failed: [] });
      expect((await onA.socket.closed).code).toBe(4000);

      child.kill("SIGKILL");
      await child.exited;
      await onChild.socket.closed;
      // Forgotten after three of its 300 ms heartbeat intervals; the wait's own limit leaves slack for a loaded machine.
      await until(() => !a.app.cluster.members().includes(childId), 8000, "the killed instance to be forgotten");
      expect(await a.app.cluster.connections({ user: "ada" })).toEqual({ connections: [], truncated: [], missing: [], failed: [] });
    }, 20_000);
  });
}
