// A `ws/**/route.ts` module's exports as engine handlers. The engine hands every handler the connection's context
// (its `ctx`) as the last argument, so `onMessage(ws, message, ctx)`, `onDrain`, `onPing`, `onPong` and `onError`
// are the module's own functions, called directly: nothing runs between Bun and the route file per message. Only
// `open` (which subscribes the connection to its topic first) and `onClose` (ctx before code and reason) adapt.

import type { LooseData, RouteHandlers } from "../engine/index.ts";
import type { WebSocketContext, WebSocketRouteModule } from "./types.ts";

export type FileRouteHandlers = RouteHandlers<LooseData, WebSocketContext>;

export function handlersOf(module: WebSocketRouteModule): FileRouteHandlers {
  const { onOpen, onMessage, onClose, onDrain, onPing, onPong, onError } = module;
  const handlers: FileRouteHandlers = {
    open(ws, ctx) {
      ws.subscribe(ctx.topic);
      return onOpen?.(ws, ctx);
    },
  };
  if (onMessage) handlers.message = onMessage;
  if (onClose) handlers.close = (ws, code, reason, ctx) => onClose(ws, ctx, code, reason);
  if (onDrain) handlers.drain = onDrain;
  if (onPing) handlers.ping = onPing;
  if (onPong) handlers.pong = onPong;
  if (onError) handlers.error = onError;
  return handlers;
}
