// The server half of a protocol: `handle`, `emit`, `publish`, `broadcast`. Only the server entry (`bunwire`)
// imports this file, so browser bundles of `bunwire/client` never carry it. A declaration made with the client's
// `defineProtocol` (a shared protocol file) gets these methods through `serverProtocol(chat)`.

import type { Server, ServerWebSocket } from "bun";
import { SERVED_ON } from "../engine/socket-route.ts";
import { askClient, type ServerRequestOptions } from "./ask.ts";
import { checkSpec, Protocol, type AckMap, type AnyProtocol, type EventMap, type ProtocolSpec, type ReplyMap, type SchemaInput, type SchemaOutput } from "./define.ts";
import { ProtocolError } from "./errors.ts";
import { handleProtocol } from "./handle.ts";
import type { EventHandlers, HandleOptions, ProtocolSocketHandlers, PublishTarget } from "./handle-types.ts";
import { broadcastEvent, publishEvent } from "./publish.ts";
import { sendEvent } from "./reply.ts";

/** Server events declared with a reply schema: what `request` may send. */
type RequestEvents<S, R> = keyof R & keyof S & string;

export class ServerProtocol<C extends EventMap, S extends EventMap, A extends AckMap<C>, R extends ReplyMap<S> = {}> extends Protocol<C, S, A, R> {
  /** The declaration this server half belongs to: handlers and publishes of `chat` and `serverProtocol(chat)` meet. */
  readonly declaration: AnyProtocol;

  constructor(spec: ProtocolSpec<C, S, A, R>, declaration?: AnyProtocol) {
    super(spec);
    this.declaration = declaration ?? this;
  }

  /** WebSocket handlers that parse, validate and dispatch the protocol's client events to `handlers`. */
  handle<D = Record<string, unknown>>(handlers: EventHandlers<C, A, D>, options: HandleOptions<D> = {}): ProtocolSocketHandlers<D> {
    return handleProtocol(this.declaration, handlers, options as HandleOptions<unknown>) as unknown as ProtocolSocketHandlers<D>;
  }

  /** Sends one event to one socket, in the codec that socket speaks. Returns Bun's send status. */
  emit<E extends keyof S & string, D>(ws: ServerWebSocket<D>, event: E, data: SchemaInput<S[E]>): number {
    return sendEvent(ws as ServerWebSocket<unknown>, event, data);
  }

  /**
   * Sends a server request (a server event declared in `replies`) to one socket and resolves with the client's reply,
   * validated by the reply schema. Rejects with a ServerRequestError: REPLY_TIMEOUT, INVALID_REPLY (with `issues`),
   * DISCONNECTED, ABORTED, NOT_SERVED, or the client's error (NO_HANDLER, HANDLER_ERROR, its own code).
   */
  request<E extends RequestEvents<S, R>, D>(ws: ServerWebSocket<D>, event: E, data: SchemaInput<S[E]>, options?: ServerRequestOptions): Promise<SchemaOutput<R[E]>> {
    return askClient(this.declaration, ws, event, data, options) as Promise<SchemaOutput<R[E]>>;
  }

  /**
   * Publishes one event to a topic's subscribers with a single serialisation (native publish). When the handlers
   * served where `target` is have a history, the event is stored first and carries its offset and sequence number;
   * the promise gives the offset (undefined if the history failed: the event is then delivered live without one).
   * Never rejects.
   */
  publish<E extends keyof S & string>(target: PublishTarget, topic: string, event: E, data: SchemaInput<S[E]>): Promise<string | undefined> | undefined {
    return publishEvent(this.declaration, target, topic, event, data);
  }

  /** Publishes one event to every socket of this protocol served where `target` is (and across instances). */
  broadcast<E extends keyof S & string>(target: PublishTarget, event: E, data: SchemaInput<S[E]>): void {
    broadcastEvent(this.declaration, target, event, data);
  }
}

/** Declares a protocol with its server half (`handle`, `emit`, `publish`, `broadcast`). Server code only. */
export function defineProtocol<C extends EventMap, S extends EventMap, A extends AckMap<C> = {}, R extends ReplyMap<S> = {}>(spec: ProtocolSpec<C, S, A, R>): ServerProtocol<C, S, A, R> {
  checkSpec(spec as ProtocolSpec<EventMap, EventMap, object, object>);
  return new ServerProtocol(spec);
}

/**
 * Tells `handle()`'s handlers which raw `Bun.serve` server serves them, so `protocol.publish(server, ...)` uses
 * their history even when several servers in one process serve the protocol. bunwire's front doors (App, Router,
 * file routes, gateways) do this by themselves.
 */
export function servedOn<D>(handlers: ProtocolSocketHandlers<D>, server: Server<unknown>): void {
  handlers[SERVED_ON]?.(server);
}

const SERVER_HALF = Symbol("bunwire.serverHalf");

/**
 * The server half of a declaration shared with browser code (`defineProtocol` from `bunwire/client`):
 * `const chatServer = serverProtocol(chat)`. Calling it again returns the same object.
 */
export function serverProtocol<C extends EventMap, S extends EventMap, A extends AckMap<C>, R extends ReplyMap<S> = {}>(protocol: Protocol<C, S, A, R>): ServerProtocol<C, S, A, R> {
  if (protocol instanceof ServerProtocol) return protocol;
  // Duck-typed: a declaration from another copy of bunwire (a bundle, a packed build) is still a declaration.
  if (protocol === null || typeof protocol !== "object") throw new ProtocolError("INVALID_PROTOCOL", "serverProtocol(protocol): pass what defineProtocol returned");
  checkSpec(protocol);
  const cached = (protocol as { [SERVER_HALF]?: ServerProtocol<C, S, A, R> })[SERVER_HALF];
  if (cached !== undefined) return cached;
  const half = new ServerProtocol<C, S, A, R>({ name: protocol.name, client: protocol.client, server: protocol.server, acks: protocol.acks, replies: protocol.replies }, protocol);
  // A memo of a pure derivation, not shared state: every call would build an identical object.
  Object.defineProperty(protocol, SERVER_HALF, { value: half });
  return half;
}
