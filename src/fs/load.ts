// Imports each route file and checks its exports, collecting every problem instead of stopping at the first.

import { pathToFileURL } from "node:url";
import type { SocketHandlers } from "../engine/index.ts";
import type { RouteFileProblem } from "./errors.ts";
import type { RouteFile } from "./scan.ts";
import { protocolHandlers, type SocketRouteModule } from "./socket-route.ts";
import { ROUTE_EXPORTS, type WebSocketRouteModule } from "./types.ts";

export type LoadedRoute =
  | { readonly route: RouteFile; readonly kind: "ws"; readonly module: WebSocketRouteModule }
  | { readonly route: RouteFile; readonly kind: "sockets"; readonly module: SocketRouteModule; readonly handlers: SocketHandlers<any> };

const KNOWN = new Set<string>(ROUTE_EXPORTS);

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** Why a ws module is unusable, or undefined when it is fine. */
function checkWsModule(module: Record<string, unknown>): string | undefined {
  for (const name of ROUTE_EXPORTS) {
    const value = module[name];
    if (value !== undefined && typeof value !== "function") return `export "${name}" is ${describe(value)}, expected a function`;
  }
  // A misspelt handler would otherwise be ignored without a word.
  const unknown = Object.keys(module).filter((name) => /^on[A-Z]/.test(name) && !KNOWN.has(name) && typeof module[name] === "function");
  if (unknown.length > 0) return `unknown export${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}; a route exports ${ROUTE_EXPORTS.join(", ")}`;
  if (!ROUTE_EXPORTS.some((name) => typeof module[name] === "function")) return `exports none of ${ROUTE_EXPORTS.join(", ")}`;
  return undefined;
}

async function loadOne(route: RouteFile): Promise<LoadedRoute | RouteFileProblem> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(route.file).href)) as Record<string, unknown>;
  } catch (error) {
    return { file: route.file, reason: `failed to import: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (route.kind === "ws") {
    const reason = checkWsModule(module);
    return reason === undefined ? { route, kind: "ws", module: module as WebSocketRouteModule } : { file: route.file, reason };
  }
  if (module.upgrade !== undefined && typeof module.upgrade !== "function") return { file: route.file, reason: `export "upgrade" is ${describe(module.upgrade)}, expected a function` };
  let handlers: SocketHandlers<any> | string;
  try {
    handlers = protocolHandlers(module as SocketRouteModule);
  } catch (error) {
    return { file: route.file, reason: `protocol.handle() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof handlers === "string") return { file: route.file, reason: handlers };
  return { route, kind: "sockets", module: module as SocketRouteModule, handlers };
}

export async function loadRoutes(routes: readonly RouteFile[]): Promise<{ loaded: LoadedRoute[]; problems: RouteFileProblem[] }> {
  const results = await Promise.all(routes.map(loadOne));
  const loaded: LoadedRoute[] = [];
  const problems: RouteFileProblem[] = [];
  for (const result of results) {
    if ("reason" in result) problems.push(result);
    else loaded.push(result);
  }
  return { loaded, problems };
}
