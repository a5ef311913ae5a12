// `protocol.handle(handlers, options)`: checks the handlers against the declaration at start-up, gives this
// handle() its own state (history, broadcast topic, room cap), and compiles both into the one dispatcher.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { reportToEngine } from "../engine/traffic.ts";
import type { AnyProtocol } from "./define.ts";
import { compileDispatch, type Route } from "./dispatch.ts";
import { ProtocolError } from "./errors.ts";
import { checkProtocolOptions, HANDLE_RULES } from "./handle-options.ts";
import type { HandleOptions, ProtocolSettings, ProtocolSocketHandlers, RoomPolicy } from "./handle-types.ts";
import { presenceHooks, type PresenceHooks } from "./presence.ts";
import { readIdempotency, type Idempotency } from "./once.ts";
import { defaultBroadcastTopic } from "./publish.ts";
import { HandleState } from "./state.ts";

export const DEFAULT_MAX_ROOMS = 100;

/** The settings every front door shares, read once: `handle()` and gateways alike. */
export interface DispatchSettings {
  readonly state: HandleState;
  readonly rooms: RoomPolicy<unknown> | undefined;
  readonly closeOnInvalid: boolean;
  readonly msgpack: boolean;
  readonly idempotency: Idempotency | undefined;
  readonly presence: PresenceHooks | undefined;
}

/** Reads the options that shape the state and the dispatcher, once checked (`checkProtocolOptions`). */
export function settingsOf(declaration: AnyProtocol, options: ProtocolSettings<never>): DispatchSettings {
  const maxRooms = options.maxRooms ?? DEFAULT_MAX_ROOMS;
  const broadcastTopic = options.broadcastTopic ?? defaultBroadcastTopic(declaration);
  const history = options.history;
  const closeOnInvalid = options.invalid === "close";
  const rooms = options.rooms as RoomPolicy<unknown> | undefined;
  return {
    state: new HandleState(declaration, history, broadcastTopic, maxRooms),
    rooms,
    closeOnInvalid,
    msgpack: options.msgpack !== false,
    idempotency: readIdempotency(options.idempotency),
    presence: presenceHooks(options.presence as ProtocolSettings<unknown>["presence"], rooms, closeOnInvalid, maxRooms),
  };
}

export function handleProtocol(declaration: AnyProtocol, handlers: object, options: HandleOptions<unknown>): ProtocolSocketHandlers<unknown> {
  if (handlers === null || typeof handlers !== "object") throw new ProtocolError("INVALID_PROTOCOL", "handle(handlers): handlers must be an object with one method per client event");
  const routes = new Map<string, Route>();
  for (const event of Object.keys(declaration.client)) {
    const handler = (handlers as Record<string, unknown>)[event];
    // An inherited Object.prototype method (an event named "toString") is not a handler the user wrote.
    if (typeof handler !== "function" || handler === (Object.prototype as Record<string, unknown>)[event]) throw new ProtocolError("INVALID_PROTOCOL", `handle(): no handler for client event "${event}"`);
    const schema = declaration.client[event] as StandardSchemaV1;
    routes.set(event, { event, standard: schema["~standard"], schema, handler: handler as Route["handler"], self: handlers });
  }
  for (const key of Object.keys(handlers)) {
    if (!routes.has(key)) throw new ProtocolError("INVALID_PROTOCOL", `handle(): "${key}" is not a client event of this protocol`);
  }
  const where = `${declaration.name}.handle()`;
  checkProtocolOptions(options, HANDLE_RULES, where);
  const settings = settingsOf(declaration, options);
  // Without onError, the engine serving the socket reports it (its onError option, else its logger with the route
  // and connection id); a raw Bun.serve has no engine: the console then.
  const onError = options.onError ?? ((ws, error, event) => reportToEngine(ws, error, event) || console.error(`[bunwire] handler for "${event}" threw:`, error));
  return compileDispatch({
    routes,
    ...settings,
    broadcast: true,
    fallback: undefined,
    replyWithoutId: false,
    failed: onError,
    open: options.open,
    close: options.close,
  });
}
