// One Router on one MountTarget (an App, or the ServeTarget of `router.serve()`): hands over its HTTP routes with
// the prefix applied and the any-path WebSocket route of `router.websocket()`, with the limits the Router set
// itself when it is mounted into another server. Routes added after mounting are handed over too.

import {
  BunwireError,
  compilePattern,
  joinPaths,
  NO_PARAMS,
  pathnameOf,
  type Admission,
  type Engine,
  type FetchHandler,
  type MountTarget,
  type Params,
  type PathPattern,
  type RouteLimits,
  type SocketHandlers,
  type SocketRoute,
  reservedParam,
} from "../engine/index.ts";
import { defaultData, routeSources, withParams, type Handshakes, type RouteSources } from "./admission.ts";
import type { RouteHandler } from "./types.ts";

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly handler: RouteHandler;
}

interface UpgradeCandidate {
  readonly pattern: PathPattern;
  readonly handler: RouteHandler;
  readonly sources: RouteSources;
}

export class RouterMount {
  readonly target: MountTarget;
  /** Where the router is mounted ("" when served on its own). */
  readonly prefix: string;
  readonly #handshakes: Handshakes;
  readonly #limits: RouteLimits | undefined;
  /** GET and ALL routes, prefixed: the ones a handshake runs first. */
  readonly #candidates: UpgradeCandidate[] = [];

  constructor(target: MountTarget, prefix: string, handshakes: Handshakes, limits: RouteLimits | undefined) {
    this.target = target;
    this.prefix = prefix;
    this.#handshakes = handshakes;
    this.#limits = limits;
  }

  get engine(): Engine {
    return this.target.engine;
  }

  addRoute(entry: RouteEntry): void {
    const path = joinPaths(this.prefix, entry.path);
    const pattern = compilePattern(path);
    const handler = entry.handler;
    // Static routes skip matching entirely; patterned ones match once more for `req.params` (the target only says "yours").
    const fetch: FetchHandler = pattern.keys.length === 0
      ? (req) => handler(withParams(req, NO_PARAMS))
      : (req) => handler(withParams(req, pattern.match(pathnameOf(req.url)) ?? NO_PARAMS));
    this.target.addHttpRoute(entry.method, path, fetch);
    if (entry.method === "GET" || entry.method === "ALL") this.#candidates.push({ pattern, handler, sources: routeSources(`${entry.method} ${path}`) });
  }

  /** `router.websocket()`: every handshake under the prefix lands in `handlers`, after a matching GET route ran. */
  addAnyPath(handlers: SocketHandlers<any>): void {
    const route: SocketRoute = {
      path: joinPaths(this.prefix, "/*"),
      handlers,
      limits: this.#limits,
      admit: (req, _server, _params, pathname) => this.#admit(req, pathname),
    };
    try {
      this.target.addSocketRoute(route);
    } catch (error) {
      if (!(error instanceof BunwireError) || error.code !== "ROUTE_CONFLICT") throw error;
      throw new BunwireError("ROUTE_CONFLICT", `a router with websocket() takes every handshake under "${this.prefix || "/"}", and another one already does: mount them under different prefixes (app.use("/a", routerA); app.use("/b", routerB))`);
    }
  }

  // The connection keeps its GET route's params (`paramsOf(ws)`, set by Handshakes), none without one.
  #admit(req: Request, pathname: string): Admission | Promise<Admission> {
    for (const candidate of this.#candidates) {
      const params = candidate.pattern.match(pathname);
      if (params === null) continue;
      const reserved = reservedParam(params);
      if (reserved !== undefined) throw new BunwireError("RESERVED_TOPIC", `"${reserved}" starts with "$", which names bunwire's own topics`, { status: 400 });
      return this.#handshakes.admit(req, candidate.handler, candidate.pattern.keys.length === 0 ? NO_PARAMS : params, candidate.sources);
    }
    return { data: defaultData(), params: NO_PARAMS };
  }
}
