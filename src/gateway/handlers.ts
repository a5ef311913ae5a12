// One gateway instance as engine handlers: its decorated methods bound once at start-up, so the engine calls
// them directly per event (no wrapper on `@OnMessage`'s hot path; `@OnRejected` is the engine's `rejected`).
// `@SubscribeMessage` methods, or typed-message options on `@WebSocketGateway`, put the protocol's one dispatcher
// in front (subscriptions.ts).

import type { SocketHandlers, Socket } from "../engine/socket-route.ts";
import { isThenable } from "../engine/thenable.ts";
import type { GatewayDefinition } from "./definition.ts";
import { subscriptionHandlers, type Subscribed } from "./subscriptions.ts";
import type { WebSocketConnectionData } from "./types.ts";

type Method = (...args: never[]) => unknown;

/** Reports an error no `@OnError` handled: the application's onError hook (`typedEvent`: a `@SubscribeMessage` event's). */
export type Report = (ws: Socket<never>, error: unknown, typedEvent?: string) => void;

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
  const rejected = bound(instance, lifecycle.rejected) as SocketHandlers["rejected"];
  const handlers: SocketHandlers<WebSocketConnectionData> = {};
  if (open !== undefined) handlers.open = open;
  if (close !== undefined) handlers.close = close;
  if (error !== undefined) handlers.error = error;
  if (rejected !== undefined) handlers.rejected = rejected;
  for (const control of ["drain", "ping", "pong"] as const) {
    const method = bound(instance, lifecycle[control]);
    if (method !== undefined) handlers[control] = method as never;
  }
  if (definition.subscriptions.size === 0 && definition.options === undefined) {
    if (message !== undefined) handlers.message = message;
    return handlers;
  }
  const subscriptions: Subscribed[] = [];
  for (const subscription of definition.subscriptions.values()) {
    subscriptions.push({ event: subscription.event, schema: subscription.schema, handler: bound(instance, subscription.method) as Subscribed["handler"] });
  }
  // A @SubscribeMessage failure was already answered; it then takes the same error path as any handler's.
  const failed = (ws: Socket<never>, thrown: unknown, event: string): void => {
    if (error === undefined) return report(ws, thrown, event);
    try {
      const result = error(ws, thrown);
      if (isThenable(result)) result.then(undefined, (again: unknown) => report(ws, again, event));
    } catch (again) {
      report(ws, again, event);
    }
  };
  // The dispatcher's open/close/message/rejected replace the bound ones (it calls open and close) and add the
  // SERVED_ON hook; its `rejected` answers RATE_LIMITED, then the gateway's @OnRejected runs (see below).
  const typed = Object.assign(handlers, subscriptionHandlers({
    name: definition.cls.name,
    path: definition.path,
    subscriptions,
    options: definition.options ?? {},
    open,
    close,
    fallback: message,
    failed,
  }));
  const reply = typed.rejected;
  if (rejected !== undefined && reply !== undefined) {
    // Built once at start-up: the reply first, so the client's request settles even if @OnRejected throws.
    typed.rejected = (ws, frame, refusal) => {
      reply(ws, frame, refusal);
      return rejected(ws, frame, refusal);
    };
  }
  return typed;
}
