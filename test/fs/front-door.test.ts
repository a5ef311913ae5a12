// `fileRoutes()` returns a front door like the others: the same listen styles, publish and counts wherever its
// routes run (its own server or an App's), close, and route files called directly by the engine's dispatch.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bunwire, type App } from "../../src/index.ts";
import { fileRoutes, type FileRoutes } from "../../src/fs/index.ts";
import type { Application } from "../../src/gateway/index.ts";
import type { Router } from "../../src/router/index.ts";
import type { CloseOptions, ListenOptions, PublishData } from "../../src/engine/index.ts";
import { connected, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const TREE = {
  "ws/echo/route.ts": `export function onMessage(ws, message) { ws.send(message); }`,
  "ws/room/[id]/route.ts": `export function onOpen(ws, ctx) { ws.send("in " + ctx.topic); }`,
};

async function files(): Promise<{ dir: string; routes: FileRoutes }> {
  const dir = writeTree(TREE);
  const routes = await fileRoutes(dir);
  closers.push(() => routes.close());
  return { dir, routes };
}

/** What every front door offers (SPEC "Surface on every front door"); each of the four must fit it. */
interface FrontDoor {
  listen(port?: number | string | ListenOptions, hostname?: string | ((server: Server<unknown>) => void), callback?: (server: Server<unknown>) => void): Server<unknown>;
  publish(topic: string, data: PublishData, compress?: boolean): number;
  subscriberCount(topic: string): number;
  clusterSubscriberCount(topic: string): Promise<number>;
  close(options?: CloseOptions): Promise<void>;
  closeOnSignals(options?: CloseOptions): unknown;
  readonly server: Server<unknown> | undefined;
  readonly port: number | undefined;
}
// Type-level: fails to compile if one front door drifts from the common surface.
export type SameSurface = [App, Router, FileRoutes, Application] extends FrontDoor[] ? true : never;
const sameSurface: SameSurface = true;

describe("the file-routes front door", () => {
  test("listens in every style and lists its routes with their files", async () => {
    expect(sameSurface).toBe(true);
    const { dir, routes } = await files();
    expect(routes.routes).toEqual([
      { path: "/ws/echo", file: join(dir, "ws/echo/route.ts") },
      { path: "/ws/room/:id", file: join(dir, "ws/room/[id]/route.ts") },
    ]);
    let called: Server<unknown> | undefined;
    const server = routes.listen(0, "127.0.0.1", (s) => (called = s));
    expect(called).toBe(server);
    expect(routes.server).toBe(server);
    expect(routes.port).toBe(server.port!);
    const other = await files();
    const second = other.routes.serve({ port: 0, hostname: "127.0.0.1", quiet: true });
    expect(other.routes.port).toBe(second.port!);
    const echo = await connected(wsUrl(second, "/ws/echo"));
    echo.send("hi");
    expect(await echo.next()).toBe("hi");
    echo.close();
  });

  test("publish and subscriberCount reach its connections on its own server; close() ends them with 1001", async () => {
    const { routes } = await files();
    const server = routes.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    const a = await connected(wsUrl(server, "/ws/room/7"));
    expect(await a.next()).toBe("in ws-room-7");
    expect(routes.subscriberCount("ws-room-7")).toBe(1);
    expect(await routes.clusterSubscriberCount("ws-room-7")).toBe(1);
    expect(routes.publish("ws-room-7", "news")).toBeGreaterThan(0);
    expect(await a.next()).toBe("news");
    await routes.close();
    expect((await a.closed).code).toBe(1001);
  });

  test("mounted into an App: publish and the counts go through the App's server", async () => {
    const { routes } = await files();
    const app = bunwire({ development: false });
    app.use("/live", routes);
    const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closers.push(() => app.close());
    const a = await connected(wsUrl(server, "/live/ws/room/1"));
    expect(await a.next()).toBe("in ws-room-1");
    expect(routes.subscriberCount("ws-room-1")).toBe(1);
    expect(app.subscriberCount("ws-room-1")).toBe(1);
    routes.publish("ws-room-1", "from the routes");
    expect(await a.next()).toBe("from the routes");
    // It started no server of its own: close() leaves the App's connections alone.
    await routes.close();
    expect(routes.server).toBeUndefined();
    routes.publish("ws-room-1", "after close");
    expect(await a.next()).toBe("after close");
    a.close();
  });

  test("the engine calls the route file's onMessage itself: nothing wraps it per message", async () => {
    const { dir, routes } = await files();
    const app = bunwire({ development: false });
    app.use(routes);
    const module = (await import(pathToFileURL(join(dir, "ws/echo/route.ts")).href)) as { onMessage: unknown };
    const echo = [...app.engine.sockets.entries()].find(([path]) => path === "/ws/echo")![1];
    expect(echo.route.handlers.message).toBe(module.onMessage as never);
  });
});
