// `cluster` and `sendToUser` the same way on every front door: a connection admitted with a user by the door's own
// decision (App `req.user`, Router `router.upgrade(req, { user })`, file route `upgrade()`, gateway `@OnUpgrade()`)
// is listed by `door.cluster`, reached by `sendToUser(door, id)` and disconnected by `door.cluster.disconnect`.
import { afterEach, describe, expect, test } from "bun:test";
import { bunwire, isBunwireError, sendToUser, type ServerWebSocket } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application, OnUpgrade, WebSocketGateway } from "bunwire/gateway";
import { Router } from "bunwire/router";
import type { Cluster } from "../../src/cluster/index.ts";
import { writeTree } from "../fs/support.ts";
import { TestSocket } from "../support/socket.ts";

interface Door {
  cluster: Cluster;
  publish(topic: string, data: string): unknown;
  url: string;
  close(): Promise<void>;
}

const quiet = { port: 0, hostname: "127.0.0.1", quiet: true } as const;

const doors: Record<string, () => Promise<Door>> = {
  async app() {
    const app = bunwire({ development: false });
    app.use((req, _res, next) => {
      req.user = { id: String(req.query.user), team: "blue" };
      next();
    });
    app.ws("/live", {});
    app.listen(quiet);
    return { cluster: app.cluster, publish: (t, d) => app.publish(t, d), url: `ws://127.0.0.1:${app.port}/live?user=ada`, close: () => app.close() };
  },
  async router() {
    const router = new Router({ development: false });
    router.get("/live", (req) => void router.upgrade(req, { user: { id: new URL(req.url).searchParams.get("user")!, team: "blue" } }));
    router.websocket({ open() {} });
    expect(() => router.cluster).toThrow(/listen\(\) first/);
    router.listen(quiet);
    return { cluster: router.cluster, publish: (t, d) => router.publish(t, d), url: `ws://127.0.0.1:${router.port}/live?user=ada`, close: () => router.close() };
  },
  async "file routes"() {
    const dir = writeTree({
      "ws/live/route.ts": `export function upgrade(req) { return { user: { id: new URL(req.url).searchParams.get("user"), team: "blue" } }; }
export function onOpen() {}`,
    });
    const router = await fileRoutes(dir, { development: false });
    router.listen(quiet);
    return { cluster: router.cluster, publish: (t, d) => router.publish(t, d), url: `ws://127.0.0.1:${router.port}/ws/live?user=ada`, close: () => router.close() };
  },
  async gateway() {
    @WebSocketGateway("/live")
    class LiveGateway {
      @OnUpgrade() admit(req: Request) {
        return { user: { id: new URL(req.url).searchParams.get("user")!, team: "blue" } };
      }
    }
    const app = new Application({ development: false, globalRegistry: false });
    app.registerGateway(LiveGateway);
    app.listen(quiet);
    return { cluster: app.cluster, publish: (t, d) => app.publish(t, d), url: `ws://127.0.0.1:${app.port}/live?user=ada`, close: () => app.close() };
  },
};

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

for (const [name, open] of Object.entries(doors)) {
  describe(name, () => {
    test("the door's user is the connection's identity for cluster operations and sendToUser", async () => {
      const door = await open();
      closers.push(() => door.close());
      const socket = await TestSocket.open(door.url);
      closers.push(() => socket.close());
      const { connections, missing } = await door.cluster.connections({ user: "ada" });
      expect(missing).toEqual([]);
      expect(connections).toHaveLength(1);
      expect(connections[0]!.user).toEqual({ id: "ada", team: "blue" });
      sendToUser(door, "ada", "for ada");
      expect(String(await socket.next())).toBe("for ada");
      expect((await door.cluster.disconnect({ user: "ada" }, { code: 4009, reason: "bye" })).count).toBe(1);
      expect(await socket.closed).toMatchObject({ code: 4009, reason: "bye" });
    });
  });
}

test("a Router or an Application mounted into an App uses the App's cluster", async () => {
  const router = new Router({ development: false });
  router.get("/r", (req) => void router.upgrade(req, { user: "ada" }));
  router.websocket({ open() {} });
  @WebSocketGateway("/g")
  class G {
    @OnUpgrade() admit() {
      return { user: "ada" };
    }
  }
  const gateways = new Application({ development: false, globalRegistry: false }).registerGateway(G);
  const app = bunwire({ development: false });
  app.use("/mounted", router);
  app.use(gateways);
  app.listen(quiet);
  closers.push(() => app.close());
  expect(router.cluster).toBe(app.cluster);
  expect(gateways.cluster).toBe(app.cluster);
  const sockets = [await TestSocket.open(`ws://127.0.0.1:${app.port}/mounted/r`), await TestSocket.open(`ws://127.0.0.1:${app.port}/g`)];
  expect((await app.cluster.connections({ user: "ada" })).connections.map((c) => c.route).sort()).toEqual(["/g", "/mounted/*"]); // the router's any-path WebSocket route
  for (const s of sockets) await s.close();
});

test("a decision's user that is no user refuses the upgrade (500 INVALID_DECISION), never a connection without identity", async () => {
  const errors: unknown[] = [];
  const app = bunwire({ development: false, onError: (e) => void errors.push(e) });
  app.ws("/bad", { upgrade: () => ({ user: { name: "no id" } as never }) });
  app.listen(quiet);
  closers.push(() => app.close());
  const socket = new TestSocket(`ws://127.0.0.1:${app.port}/bad`);
  await socket.opened.catch(() => {});
  expect(errors.some((e) => isBunwireError(e, "INVALID_DECISION"))).toBe(true);
  expect((await app.cluster.connections({ route: "/bad" })).connections).toEqual([]);
});

// Typed sockets keep compiling when handed to cluster.describe.
export const describeTyped = (cluster: Cluster) => cluster.describe((ws: ServerWebSocket<{ room: string }>) => ws.data.room);
