// One route file as an engine SocketRoute. Admission is the same for `ws` and `sockets` routes: the connection's
// `ctx` is made (topic, params, path), the optional `upgrade(req, ctx)` decides through the engine's one reading
// of decisions, and `ctx` rides on the grant, so the engine hands it to every handler of the connection.

import {
  joinPaths,
  readMaybeDecision,
  type Admission,
  type Engine,
  type RouteHandlers,
  type RouteLimits,
  type SocketRoute,
} from "../engine/index.ts";
import { createContext } from "./context.ts";
import { RoutePaths } from "./path-strings.ts";
import type { RouteFile } from "./scan.ts";
import type { WebSocketContext, WebSocketRouteModule } from "./types.ts";

/** A loaded route file: where it serves, its handlers and its optional `upgrade`. */
export interface FileRoute {
  readonly route: RouteFile;
  readonly handlers: RouteHandlers;
  readonly upgrade: WebSocketRouteModule["upgrade"];
}

/** A fresh `ws.data` per connection. */
function defaultData(): Record<string, unknown> {
  return {};
}

/** `file` served on `engine` under `prefix`, with the limits of its front door when mounted into another server. */
export function toSocketRoute(file: FileRoute, engine: Engine, prefix: string, limits: RouteLimits | undefined): SocketRoute {
  const { route, handlers, upgrade } = file;
  const segments = route.segments;
  const where = `${route.file}: upgrade()`;
  const path = joinPaths(prefix, route.path);
  // Connections to one concrete path share its strings (path, topic, param values): src/fs/path-strings.ts.
  const paths = new RoutePaths(segments);
  // A route without params, asked as written, gives every connection the same ctx: they share one, frozen, so an
  // idle socket carries no object for it.
  const literal = segments.every((segment) => segment.kind === "literal");
  let shared: WebSocketContext | undefined;
  return {
    path,
    handlers,
    limits,
    admit(req, _server, params, pathname): Admission | Promise<Admission> {
      const context =
        literal && pathname === path
          ? (shared ??= Object.freeze(createContext(engine, segments, params, paths.stringsFor(path, params))))
          : createContext(engine, segments, params, paths.stringsFor(pathname, params));
      if (upgrade === undefined) return { data: defaultData(), context };
      return readMaybeDecision(upgrade(req, context), { where, defaultData, context });
    },
  };
}
