// `protocol.handle(handlers, options)`: checks the handlers against the declaration at start-up, gives this
// handle() its own state (history, broadcast topic, room cap), and compiles both into the one dispatcher.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { BunwireError } from "../engine/errors.ts";
import { reportToEngine } from "../engine/traffic.ts";
import type { AnyProtocol } from "./define.ts";
import { compileDispatch, type Route } from "./dispatch.ts";
import { ProtocolError } from "./errors.ts";
import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import type { HandleOptions, ProtocolSettings, ProtocolSocketHandlers, RoomPolicy } from "./handle-types.ts";
import { presenceHooks, type PresenceHooks } from "./presence.ts";
import { readIdempotency, type Idempotency } from "./once.ts";
import { defaultBroadcastTopic } from "./publish.ts";
import { HandleState } from "./state.ts";

export const DEFAULT_MAX_ROOMS = 100;

/** The names of `ProtocolSettings`, so `handle()` and gateways refuse the same unknown ones. */
export const SETTINGS_KEYS = optionKeys<ProtocolSettings<unknown>>({
  history: true,
  rooms: true,
  maxRooms: true,
  invalid: true,
  msgpack: true,
  idempotency: true,
  broadcastTopic: true,
  presence: true,
});
const HANDLE_KEYS = [...SETTINGS_KEYS, ...optionKeys<Omit<HandleOptions<unknown>, keyof ProtocolSettings<unknown>>>({ onError: true, open: true, close: true })];

/** The settings every front door shares, read and checked once: `handle()` and gateways alike. */
export interface DispatchSettings {
  readonly state: HandleState;
  readonly rooms: RoomPolicy<unknown> | undefined;
  readonly closeOnInvalid: boolean;
  readonly msgpack: boolean;
  readonly idempotency: Idempotency | undefined;
  readonly presence: PresenceHooks | undefined;
}

/** Reads the options that shape the state and the dispatcher; bad values throw INVALID_OPTION naming them. */
export function settingsOf(declaration: AnyProtocol, options: ProtocolSettings<never>, where: string): DispatchSettings {
  const maxRooms = options.maxRooms ?? DEFAULT_MAX_ROOMS;
  if (!Number.isInteger(maxRooms) || maxRooms < 0) throw new BunwireError("INVALID_OPTION", `${where}: maxRooms must be an integer >= 0, got ${String(options.maxRooms)}`);
  if (options.invalid !== undefined && options.invalid !== "reply" && options.invalid !== "close") {
    throw new BunwireError("INVALID_OPTION", `${where}: invalid must be "reply" or "close", got ${String(options.invalid)}`);
  }
  const broadcastTopic = options.broadcastTopic ?? defaultBroadcastTopic(declaration);
  if (typeof broadcastTopic !== "string" || broadcastTopic.length === 0) throw new BunwireError("INVALID_OPTION", `${where}: broadcastTopic must be a non-empty string`);
  const history = options.history;
  if (history !== undefined && (typeof history.append !== "function" || typeof history.since !== "function" || typeof history.last !== "function")) {
    throw new BunwireError("INVALID_OPTION", `${where}: history must be a TopicHistory (append, since, last, close)`);
  }
  const closeOnInvalid = options.invalid === "close";
  const rooms = options.rooms as RoomPolicy<unknown> | undefined;
  return {
    state: new HandleState(declaration, history, broadcastTopic, maxRooms),
    rooms,
    closeOnInvalid,
    msgpack: options.msgpack !== false,
    idempotency: readIdempotency(options.idempotency, where),
    presence: presenceHooks(options.presence as ProtocolSettings<unknown>["presence"], rooms, closeOnInvalid, where),
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
  checkOptionNames(options, HANDLE_KEYS, where);
  const settings = settingsOf(declaration, options, where);
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
