// A route file's handlers as the engine calls them. The engine hands every handler the connection's context (its
// `ctx`) as the last argument, so a `ws/**/route.ts` module's `onMessage(ws, message, ctx)`, `onRejected`,
// `onDrain`, `onPing`, `onPong` and `onError` are its own functions, called directly: nothing runs between Bun and
// the route file per message. Only `onClose` (ctx before code and reason) adapts, and `open` subscribes every
// connection of every route file, `ws/` and `sockets/` alike, to its topic (`joinTopic`).

import type { LooseData, RouteHandlers } from "../engine/index.ts";
import type { WebSocketContext, WebSocketRouteModule } from "./types.ts";

export type FileRouteHandlers = RouteHandlers<LooseData, WebSocketContext>;

export function handlersOf(module: WebSocketRouteModule): FileRouteHandlers {
  const { onOpen, onMessage, onClose, onDrain, onPing, onPong, onError, onRejected } = module;
  const handlers: FileRouteHandlers = {};
  if (onOpen) handlers.open = onOpen;
  if (onMessage) handlers.message = onMessage;
  if (onClose) handlers.close = (ws, code, reason, ctx) => onClose(ws, ctx, code, reason);
  if (onDrain) handlers.drain = onDrain;
  if (onPing) handlers.ping = onPing;
  if (onPong) handlers.pong = onPong;
  if (onError) handlers.error = onError;
  if (onRejected) handlers.rejected = onRejected;
  return handlers;
}

/**
 * `handlers` with an `open` that first subscribes the connection to its concrete path's topic (`ctx.topic`), so
 * `ctx.broadcast` and `files.publish(topic)` reach it. A copy: the module's own object (a `protocol.handle`
 * result may be served elsewhere too) stays as it is; its symbol-keyed hooks and `subprotocols` come along.
 */
export function joinTopic(handlers: FileRouteHandlers): FileRouteHandlers {
  const open = handlers.open;
  return {
    ...handlers,
    open(ws, ctx) {
      ws.subscribe(ctx.topic);
      return open?.(ws, ctx);
    },
  };
}
