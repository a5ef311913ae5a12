// One gateway instance as engine handlers: its decorated methods bound once at start-up, so the engine calls
// them directly per event (no wrapper on `@OnMessage`'s hot path). `@SubscribeMessage` adds envelope routing.

import type { SocketHandlers, Socket } from "../engine/socket-route.ts";
import type { GatewayDefinition } from "./definition.ts";
import { subscriptionHandler, type Route } from "./subscriptions.ts";
import type { WebSocketConnectionData } from "./types.ts";

type Method = (...args: never[]) => unknown;

/** Reports an error no `@OnError` handled: the application's onError hook. */
export type Report = (ws: Socket<never>, error: unknown) => void;

function bound(instance: object, method: string | undefined): Method | undefined {
  if (method === undefined) return undefined;
  return ((instance as Record<string, Method>)[method] as Method).bind(instance);
}

export function gatewayHandlers(definition: GatewayDefinition, instance: object, report: Report): SocketHandlers<WebSocketConnectionData> {
  const { lifecycle } = definition;
  const open = bound(instance, lifecycle.open) as SocketHandlers["open"];
  const message = bound(instance, lifecycle.message) as SocketHandlers["message"];
  const close = bound(instance, lifecycle.close) as SocketHandlers["close"];
  const error = bound(instance, lifecycle.error) as SocketHandlers["error"];
  const handlers: SocketHandlers<WebSocketConnectionData> = {};
  if (open !== undefined) handlers.open = open;
  if (close !== undefined) handlers.close = close;
  if (error !== undefined) handlers.error = error;
  for (const control of ["drain", "ping", "pong"] as const) {
    const method = bound(instance, lifecycle[control]);
    if (method !== undefined) handlers[control] = method as never;
  }
  if (definition.subscriptions.size === 0) {
    if (message !== undefined) handlers.message = message;
    return handlers;
  }
  const routes = new Map<string, Route>();
  for (const subscription of definition.subscriptions.values()) {
    routes.set(subscription.event, { event: subscription.event, schema: subscription.schema, handler: bound(instance, subscription.method) as Route["handler"] });
  }
  // A @SubscribeMessage failure was already answered; it then takes the same error path as any handler's.
  const failed = (ws: Socket<never>, thrown: unknown): void => {
    if (error === undefined) return report(ws, thrown);
    try {
      const result = error(ws, thrown);
      if (result instanceof Promise) result.catch((again: unknown) => report(ws, again));
    } catch (again) {
      report(ws, again);
    }
  };
  handlers.message = subscriptionHandler({ routes, fallback: message, failed });
  return handlers;
}
