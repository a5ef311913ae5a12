// One `sockets/**/route.ts` module, for typed protocols (docs/PROTOCOL.md): it exports the handlers of
// `protocol.handle(...)` as `default`, or `protocol` + `handlers` (+ `options`) for the loader to call `handle`.
// The same optional `upgrade(req)` as a ws route decides admission and `ws.data`.

import "../protocol/index.ts"; // installs the server half of typed protocols (`protocol.handle`)
import type { Server } from "bun";
import type { Engine, Params, SocketHandlers } from "../engine/index.ts";
import type { SocketDefinition } from "../router/mounted.ts";
import { createContext, folderParams } from "./context.ts";
import type { RouteFile } from "./scan.ts";
import type { WebSocketRouteModule } from "./types.ts";
import { wsRoute } from "./ws-route.ts";

export interface SocketRouteModule {
  default?: SocketHandlers<any>;
  protocol?: { handle(handlers: object, options?: object): SocketHandlers<any> };
  handlers?: object;
  options?: object;
  upgrade?: WebSocketRouteModule["upgrade"];
}

/** The handlers a sockets module provides, or why it provides none. */
export function protocolHandlers(module: SocketRouteModule): SocketHandlers<any> | string {
  if (module.protocol !== undefined || module.handlers !== undefined) {
    if (typeof module.protocol?.handle !== "function") return "exports handlers but no protocol (export const protocol = defineProtocol({...}))";
    if (module.handlers === null || typeof module.handlers !== "object") return "exports a protocol but no handlers object (export const handlers = { event(ws, data) {...} })";
    return module.protocol.handle(module.handlers, module.options);
  }
  const handlers = module.default;
  if (handlers === null || typeof handlers !== "object" || typeof handlers.message !== "function") {
    return "exports neither a default protocol.handle(...) result nor protocol + handlers";
  }
  return handlers;
}

export function socketRoute(route: RouteFile, module: SocketRouteModule, handlers: SocketHandlers<any>): SocketDefinition {
  // Admission is a ws route's: reuse it, then serve the protocol's handlers on the admitted connections.
  const admission = wsRoute(route, { upgrade: module.upgrade });
  return {
    path: route.path,
    handlers,
    admit(req: Request, server: Server<unknown>, params: Params, engine: Engine, pathname: string) {
      if (module.upgrade !== undefined) return admission.admit(req, server, params, engine, pathname);
      return { data: {}, context: createContext(engine, route.segments, folderParams(route.segments, params), pathname) };
    },
  };
}
