// One `ws/**/route.ts` module as an engine route: `upgrade` decides admission (false → 403, `{ data }` becomes
// ws.data as is), every connection is subscribed to its path's topic before `onOpen`, and each handler gets `ctx`.

import type { Server } from "bun";
import { BunwireError, contextOf, pathnameOf, type Admission, type Engine, type Params, type Socket, type SocketHandlers } from "../engine/index.ts";
import type { SocketDefinition } from "../router/mounted.ts";
import { createContext, folderParams } from "./context.ts";
import type { RouteFile } from "./scan.ts";
import type { UpgradeResult, WebSocketContext, WebSocketRouteModule } from "./types.ts";
import { isThenable } from "../engine/thenable.ts";

function decide(route: RouteFile, result: UpgradeResult, context: WebSocketContext): Admission {
  if (result === false) return new Response("Forbidden", { status: 403 });
  if (result === true || result === undefined) return { data: {}, context };
  if (result instanceof Response) return result;
  if (result !== null && typeof result === "object") return { data: "data" in result ? result.data : {}, context };
  throw new BunwireError("INVALID_HANDLER", `${route.file}: upgrade() returned ${String(result)}; return false, true, { data } or a Response`);
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
    admit(req: Request, _server: Server<unknown>, params: Params, engine: Engine) {
      const named = folderParams(route.segments, params);
      const context = createContext(engine, route.segments, named, pathnameOf(req.url));
      if (upgrade === undefined) return { data: {}, context };
      const result = upgrade(req, context);
      if (!isThenable(result)) return decide(route, result, context);
      return Promise.resolve(result).then((settled) => decide(route, settled, context));
    },
  };
}
