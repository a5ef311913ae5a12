// One `sockets/**/route.ts` module, for typed protocols (docs/PROTOCOL.md): it exports the handlers of
// `protocol.handle(...)` as `default`, or `protocol` + `handlers` (+ `options`) for the loader to call `handle`.
// The same optional `upgrade(req, ctx)` as a ws route decides admission and `ws.data`.

import type { SocketHandlers } from "../engine/index.ts";
import type { AnyProtocol } from "../protocol/define.ts";
import { serverProtocol, type ServerProtocol } from "../protocol/server.ts";
import type { WebSocketRouteModule } from "./types.ts";

export interface SocketRouteModule {
  default?: SocketHandlers<any>;
  /** A declaration from `defineProtocol` (of `bunwire` or `bunwire/client`): its server half serves `handlers`. */
  protocol?: AnyProtocol;
  handlers?: object;
  options?: object;
  upgrade?: WebSocketRouteModule["upgrade"];
}

/** The handlers a sockets module provides, or why it provides none. */
export function protocolHandlers(module: SocketRouteModule): SocketHandlers<any> | string {
  if (module.protocol !== undefined || module.handlers !== undefined) {
    const protocol = module.protocol;
    if (protocol === null || typeof protocol !== "object" || typeof protocol.client !== "object") return "exports handlers but no protocol (export const protocol = defineProtocol({...}))";
    if (module.handlers === null || typeof module.handlers !== "object") return "exports a protocol but no handlers object (export const handlers = { event(ws, data) {...} })";
    const half = serverProtocol(protocol as Parameters<typeof serverProtocol>[0]) as ServerProtocol<never, never, never>;
    return half.handle(module.handlers as never, module.options) as SocketHandlers<any>;
  }
  const handlers = module.default;
  if (handlers === null || typeof handlers !== "object" || typeof handlers.message !== "function") {
    return "exports neither a default protocol.handle(...) result nor protocol + handlers";
  }
  return handlers;
}
