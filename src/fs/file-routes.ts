// `await fileRoutes(dir)`: every `dir/ws/**/route.ts` and `dir/sockets/**/route.ts` as a Router, to mount with
// `app.use(...)` or to `.serve()`. Bad files are all reported at once, before anything serves.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { BunwireError } from "../engine/index.ts";
import { ADD_SOCKET, Router } from "../router/router.ts";
import type { RouterOptions } from "../router/types.ts";
import { RouteFileError } from "./errors.ts";
import { loadRoutes } from "./load.ts";
import { scanRoutes } from "./scan.ts";
import { socketRoute } from "./socket-route.ts";
import { wsRoute } from "./ws-route.ts";

export interface FileRoutesOptions extends RouterOptions {}

/** A route as served: its path and the file it came from (the CLI prints these). */
export interface ServedRoute {
  readonly path: string;
  readonly file: string;
}

const served = new WeakMap<Router<any>, readonly ServedRoute[]>();

/** The routes `fileRoutes` put on a router, in matching order. */
export function routesOf(router: Router<any>): readonly ServedRoute[] {
  return served.get(router) ?? [];
}

export async function fileRoutes(dir: string, options: FileRoutesOptions = {}): Promise<Router> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new BunwireError("INVALID_ROUTE", `fileRoutes("${dir}"): ${root} is not a directory`);
  const scanned = scanRoutes(root);
  if (scanned.routes.length === 0 && scanned.problems.length === 0) {
    throw new BunwireError("INVALID_ROUTE", `fileRoutes("${dir}"): no route files found (expected ${root}/ws/<path>/route.ts or ${root}/sockets/<path>/route.ts)`);
  }
  const { loaded, problems } = await loadRoutes(scanned.routes);
  const all = [...scanned.problems, ...problems].sort((a, b) => a.file.localeCompare(b.file));
  if (all.length > 0) throw new RouteFileError(root, all);
  const router = new Router(options, `fileRoutes("${dir}")`);
  for (const entry of loaded) {
    router[ADD_SOCKET](entry.kind === "ws" ? wsRoute(entry.route, entry.module) : socketRoute(entry.route, entry.module, entry.handlers));
  }
  served.set(router, loaded.map((entry) => ({ path: entry.route.path, file: entry.route.file })));
  return router;
}
