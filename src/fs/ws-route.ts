// One `ws/**/route.ts` module as an engine route: `upgrade` decides admission, read by the engine's admission
// module like every front door's decision (`{ data, headers, user }` admits, false → 403, ...), every connection
// is subscribed to its path's topic before `onOpen`, and each handler gets `ctx`.

import type { Server } from "bun";
import { contextOf, readMaybeDecision, type Admission, type Engine, type Params, type Socket, type SocketHandlers } from "../engine/index.ts";
import type { SocketDefinition } from "../router/mounted.ts";
import { createContext, folderParams } from "./context.ts";
import type { RouteFile } from "./scan.ts";
import type { WebSocketContext, WebSocketRouteModule } from "./types.ts";

/** A fresh `ws.data` per connection. */
function defaultData(): Record<string, unknown> {
  return {};
}

function handlersOf(module: WebSocketRouteModule): SocketHandlers<unknown> {
  const { onOpen, onMessage, onClose, onDrain, onPing, onPong, onError } = module;
  const handlers: SocketHandlers<unknown> = {
    open(ws) {
      const ctx = contextOf<WebSocketContext>(ws);
      ws.subscribe(ctx.topic);
      return onOpen?.(ws, ctx);
    },
  };
  if (onMessage) handlers.message = (ws, message) => onMessage(ws, message, contextOf(ws));
  if (onClose) handlers.close = (ws, code, reason) => onClose(ws, contextOf(ws), code, reason);
  if (onDrain) handlers.drain = (ws) => onDrain(ws, contextOf(ws));
  if (onPing) handlers.ping = (ws, data) => onPing(ws, data, contextOf(ws));
  if (onPong) handlers.pong = (ws, data) => onPong(ws, data, contextOf(ws));
  if (onError) handlers.error = (ws: Socket<unknown>, error: unknown) => onError(ws, error, contextOf(ws));
  return handlers;
}

export function wsRoute(route: RouteFile, module: WebSocketRouteModule): SocketDefinition {
  const upgrade = module.upgrade;
  return {
    path: route.path,
    handlers: handlersOf(module),
    admit(req: Request, _server: Server<unknown>, params: Params, engine: Engine, pathname: string): Admission | Promise<Admission> {
      const named = folderParams(route.segments, params);
      const context = createContext(engine, route.segments, named, pathname);
      if (upgrade === undefined) return { data: defaultData(), context };
      return readMaybeDecision(upgrade(req, context), { where: `${route.file}: upgrade()`, defaultData, context });
    },
  };
}
