// How a Router (or anything built like one) joins a server: it hands its HTTP routes and SocketRoutes to a
// MountTarget. The App is one target (`app.use("/prefix", router)`); `router.serve()` makes its own.

import type { Server } from "bun";
import type { Engine } from "./engine.ts";
import type { SocketRoute } from "./socket-route.ts";

export const MOUNT: unique symbol = Symbol.for("bunwire.mount");

/** A fetch-style HTTP handler; resolving to `undefined` means "not mine", and the next route is tried. */
export type FetchHandler = (req: Request, server: Server<unknown>) => Response | undefined | Promise<Response | undefined>;

export interface MountTarget {
  readonly engine: Engine;
  /** Adds an HTTP route; `method` is upper case or "ALL". */
  addHttpRoute(method: string, path: string, handler: FetchHandler): void;
  /** Adds a WebSocket route; the target may wrap `admit` (the App runs its `use` middleware first). */
  addSocketRoute(route: SocketRoute): void;
}

export interface Mountable {
  [MOUNT](target: MountTarget, prefix: string): void;
}

/**
 * The Bun servers a front door's routes run on now: its own once listening, the App's once mounted (where its
 * `server` stays undefined). What publishes to "the sockets this front door serves" reads (typed publish,
 * presence relay).
 */
export const SERVERS: unique symbol = Symbol.for("bunwire.servers");

export interface ServedOn {
  [SERVERS](): readonly Server<unknown>[];
}

/** The servers `target` runs on: a front door's (own or host's), a Bun server itself, `{ server }`; else undefined. */
export function serversOf(target: object): readonly Server<unknown>[] | undefined {
  const servedOn = (target as Partial<ServedOn>)[SERVERS];
  if (typeof servedOn === "function") return servedOn.call(target);
  if ("server" in target) {
    const server = (target as { server?: Server<unknown> }).server;
    return server === undefined ? [] : [server];
  }
  return undefined;
}

export function isMountable(value: unknown): value is Mountable {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as Partial<Mountable>)[MOUNT] === "function";
}

/**
 * `pathname` as seen below a mount at `prefix` (`/b/:id` mounted: `/b/7/chat` → `/chat`): as many segments cut as
 * the prefix has, so a prefix with params works too. A route mounted at any depth gets the path it was built for.
 */
export function belowPrefix(pathname: string, prefix: string): string {
  const depth = prefix.split("/").filter((segment) => segment !== "").length;
  if (depth === 0) return pathname;
  let at = 0;
  for (let i = 0; i < depth && at !== -1; i++) at = pathname.indexOf("/", at + 1);
  return at === -1 ? "/" : pathname.slice(at);
}

/** `prefix` + `path`, without a doubled or trailing slash. */
export function joinPaths(prefix: string, path: string): string {
  if (prefix === "" || prefix === "/") return path;
  const joined = prefix.replace(/\/+$/, "") + (path === "/" ? "" : path);
  return joined === "" ? "/" : joined;
}
