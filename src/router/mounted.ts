// One Router on one MountTarget (an App, or the ServeTarget of `router.serve()`): hands over its HTTP routes with
// the prefix applied, its path-specific socket routes, and the any-path WebSocket route of `router.websocket()`.
// Routes added after mounting are handed over too.

import type { Server } from "bun";
import {
  BunwireError,
  compilePattern,
  joinPaths,
  pathnameOf,
  type Admission,
  type Engine,
  type FetchHandler,
  type MountTarget,
  type Params,
  type PathPattern,
  type SocketHandlers,
  type SocketRoute,
} from "../engine/index.ts";
import { admitThroughRoute, defaultGrant, withParams } from "./admission.ts";
import type { RouteHandler } from "./types.ts";

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly handler: RouteHandler;
}

/** A WebSocket route on one path with its own admission (file routes are made of these). */
export interface SocketDefinition {
  readonly path: string;
  readonly handlers: SocketHandlers<any>;
  admit(req: Request, server: Server<unknown>, params: Params, engine: Engine): Admission | Promise<Admission>;
}

interface UpgradeCandidate {
  readonly pattern: PathPattern;
  readonly handler: RouteHandler;
}

const NO_PARAMS: Params = Object.freeze({}) as Params;

export class RouterMount {
  readonly target: MountTarget;
  readonly #prefix: string;
  /** GET and ALL routes, prefixed: the ones a handshake runs first. */
  readonly #candidates: UpgradeCandidate[] = [];
  #anyPath: SocketRoute | undefined;

  constructor(target: MountTarget, prefix: string) {
    this.target = target;
    this.#prefix = prefix;
  }

  get engine(): Engine {
    return this.target.engine;
  }

  addRoute(entry: RouteEntry): void {
    const path = joinPaths(this.#prefix, entry.path);
    const pattern = compilePattern(path);
    const handler = entry.handler;
    // Static routes skip matching entirely; patterned ones match once more for `req.params` (the target only says "yours").
    const fetch: FetchHandler = pattern.keys.length === 0
      ? (req) => handler(withParams(req, NO_PARAMS))
      : (req) => handler(withParams(req, pattern.match(pathnameOf(req.url)) ?? NO_PARAMS));
    this.target.addHttpRoute(entry.method, path, fetch);
    if (entry.method === "GET" || entry.method === "ALL") this.#candidates.push({ pattern, handler });
  }

  addSocket(definition: SocketDefinition): void {
    const engine = this.target.engine;
    this.target.addSocketRoute({
      path: joinPaths(this.#prefix, definition.path),
      handlers: definition.handlers,
      admit: (req, server, params) => definition.admit(req, server, params, engine),
    });
  }

  /** `router.websocket()`: every handshake under the prefix lands in `handlers`, after a matching GET route ran. */
  addAnyPath(handlers: SocketHandlers<any>): void {
    const route: SocketRoute = {
      path: joinPaths(this.#prefix, "/*"),
      handlers,
      admit: (req, server, _params, pathname) => this.#admit(req, server, route, pathname),
    };
    this.#anyPath = route;
    try {
      this.target.addSocketRoute(route);
    } catch (error) {
      if (!(error instanceof BunwireError) || error.code !== "ROUTE_CONFLICT") throw error;
      throw new BunwireError("ROUTE_CONFLICT", `a router with websocket() takes every handshake under "${this.#prefix || "/"}", and another one already does: mount them under different prefixes (app.use("/a", routerA); app.use("/b", routerB))`);
    }
  }

  get hasAnyPath(): boolean {
    return this.#anyPath !== undefined;
  }

  #admit(req: Request, server: Server<unknown>, route: SocketRoute, pathname: string): Admission | Promise<Admission> {
    for (const candidate of this.#candidates) {
      const params = candidate.pattern.match(pathname);
      if (params === null) continue;
      return admitThroughRoute(req, { engine: this.target.engine, server, route, params }, candidate.handler, params);
    }
    return defaultGrant();
  }
}
