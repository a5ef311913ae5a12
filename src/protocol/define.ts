// The protocol declaration: which events each side may send, each with a Standard Schema.
// This module is shared by server and client code, so it imports nothing from Bun or the server at run time;
// the server half (`handle`, `emit`, `publish`, `broadcast`) is installed by `src/protocol/index.ts`.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ServerWebSocket } from "bun";
import type { TopicHistory } from "../engine/history.ts";
import { ProtocolError } from "./errors.ts";

/** Event name -> Standard Schema (zod, valibot, arktype, ...). */
export type EventMap = { readonly [event: string]: StandardSchemaV1 };
/** Optional ack declarations: client event name -> schema of what its handler returns. Types only, not validated. */
export type AckMap<C extends EventMap> = { readonly [E in keyof C]?: StandardSchemaV1 };

export interface ProtocolSpec<C extends EventMap, S extends EventMap, A extends AckMap<C>> {
  /** Events the client sends to the server; each payload is validated on arrival. */
  client: C;
  /** Events the server sends to the client. */
  server: S;
  /** What a request for each client event resolves to (the handler's return type). */
  acks?: A;
}

export type SchemaInput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferInput<T> : never;
export type SchemaOutput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<T> : never;

/** Any protocol, for generic constraints (`connect<typeof chat>`): only its declaration, not its server methods. */
export interface AnyProtocol {
  readonly client: EventMap;
  readonly server: EventMap;
  readonly acks: object;
}
export type ClientEvents<P extends AnyProtocol> = keyof P["client"] & string;
export type ServerEvents<P extends AnyProtocol> = keyof P["server"] & string;
/** What the client passes to `emit`/`request` for event E (the schema's input type). */
export type ClientPayload<P extends AnyProtocol, E extends ClientEvents<P>> = SchemaInput<P["client"][E]>;
/** What server code emits and client listeners receive for event E (sent as given: not validated). */
export type ServerPayload<P extends AnyProtocol, E extends ServerEvents<P>> = SchemaInput<P["server"][E]>;
/** What a request for event E resolves to: the declared ack type, else unknown. */
export type AckOf<P extends AnyProtocol, E extends string> = E extends keyof P["acks"]
  ? P["acks"][E] extends StandardSchemaV1
    ? SchemaInput<P["acks"][E]>
    : unknown
  : unknown;

type AckReturn<A, E> = E extends keyof A ? (A[E] extends StandardSchemaV1 ? SchemaInput<A[E]> : unknown) : unknown;

/** One handler per client event: `data` is the schema's output; the return value is the ack of a request. */
export type EventHandlers<C extends EventMap, A, D> = {
  [E in keyof C & string]: (ws: ServerWebSocket<D>, data: SchemaOutput<C[E]>) => AckReturn<A, E> | Promise<AckReturn<A, E>>;
};

/** Something that can publish to a topic: a ServerWebSocket (everyone but itself), Bun's Server, or the App. */
export interface PublishTarget {
  publish(topic: string, data: string, compress?: boolean): unknown;
}

export interface HandleOptions<D> {
  /** Topic history for `$join` recovery; any `TopicHistory` (in-memory, Redis Streams, ...). */
  history?: TopicHistory;
  /** Which topics clients may `$join`: false (default) refuses, true allows any, or decide per socket. */
  rooms?: boolean | ((ws: ServerWebSocket<D>, topic: string) => boolean | Promise<boolean>);
  /** On invalid JSON/envelope/payload or unknown event: reply with an error (default) or close (1007/1008). */
  invalid?: "reply" | "close";
  /** Accept MessagePack binary frames (default true). */
  msgpack?: boolean;
  /** Topic every socket of this protocol joins, used by `broadcast` (default "$all"). */
  broadcastTopic?: string;
  /** Called with every error a handler throws (default: console.error). */
  onError?: (ws: ServerWebSocket<D>, error: unknown, event: string) => void;
  open?: (ws: ServerWebSocket<D>) => void | Promise<void>;
  close?: (ws: ServerWebSocket<D>, code: number, reason: string) => void | Promise<void>;
}

/** Plain Bun/bunwire WebSocket handlers, accepted by `app.ws`, routers and `Bun.serve({ websocket })`. */
export interface ProtocolSocketHandlers<D> {
  open(ws: ServerWebSocket<D>): void | Promise<void>;
  message(ws: ServerWebSocket<D>, message: string | Buffer): void | Promise<void>;
  close(ws: ServerWebSocket<D>, code: number, reason: string): void | Promise<void>;
}

/** The server half, installed when `src/protocol/index.ts` is loaded. */
export interface ProtocolServer {
  handle(protocol: AnyProtocol, handlers: object, options: HandleOptions<never>): ProtocolSocketHandlers<never>;
  emit(ws: ServerWebSocket<unknown>, event: string, data: unknown): number;
  publish(protocol: AnyProtocol, target: PublishTarget, topic: string, event: string, data: unknown): Promise<string | undefined> | undefined;
  broadcast(protocol: AnyProtocol, target: PublishTarget, event: string, data: unknown): void;
}

let server: ProtocolServer | undefined;

/** Called once by the server entry point; the client bundle never calls it. */
export function installProtocolServer(impl: ProtocolServer): void {
  server = impl;
}

function requireServer(): ProtocolServer {
  if (server === undefined) {
    throw new ProtocolError("SERVER_NOT_LOADED", "handle/emit/publish/broadcast run on the server: import defineProtocol from \"bunwire\" there");
  }
  return server;
}

export class Protocol<C extends EventMap, S extends EventMap, A extends AckMap<C>> {
  readonly client: C;
  readonly server: S;
  readonly acks: A;

  constructor(spec: ProtocolSpec<C, S, A>) {
    this.client = spec.client;
    this.server = spec.server;
    this.acks = spec.acks ?? ({} as A);
  }

  /** WebSocket handlers that parse, validate and dispatch the protocol's client events to `handlers`. */
  handle<D = Record<string, unknown>>(handlers: EventHandlers<C, A, D>, options: HandleOptions<D> = {}): ProtocolSocketHandlers<D> {
    return requireServer().handle(this as unknown as AnyProtocol, handlers, options as HandleOptions<never>) as ProtocolSocketHandlers<D>;
  }

  /** Sends one event to one socket, in the codec that socket speaks. Returns Bun's send status. */
  emit<E extends keyof S & string, D>(ws: ServerWebSocket<D>, event: E, data: SchemaInput<S[E]>): number {
    return requireServer().emit(ws as ServerWebSocket<unknown>, event, data);
  }

  /**
   * Publishes one event to a topic's subscribers with a single serialisation (native publish).
   * With a history (see `handle`), the event is stored first and carries its offset; the promise gives that offset
   * (undefined if the history failed: the event is then delivered live without one). Never rejects.
   */
  publish<E extends keyof S & string>(target: PublishTarget, topic: string, event: E, data: SchemaInput<S[E]>): Promise<string | undefined> | undefined {
    return requireServer().publish(this as unknown as AnyProtocol, target, topic, event, data);
  }

  /** Publishes one event to every socket connected through this protocol's handlers. */
  broadcast<E extends keyof S & string>(target: PublishTarget, event: E, data: SchemaInput<S[E]>): void {
    requireServer().broadcast(this as unknown as AnyProtocol, target, event, data);
  }
}

function isSchemaMap(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  for (const key of Object.keys(value)) {
    const schema = (value as Record<string, unknown>)[key];
    if (schema === null || typeof schema !== "object" && typeof schema !== "function") return false;
    const standard = (schema as { "~standard"?: { validate?: unknown } })["~standard"];
    if (standard === undefined || typeof standard.validate !== "function") return false;
  }
  return true;
}

/** Declares a protocol once; import it from server and client code alike. */
export function defineProtocol<C extends EventMap, S extends EventMap, A extends AckMap<C> = {}>(spec: ProtocolSpec<C, S, A>): Protocol<C, S, A> {
  if (spec === null || typeof spec !== "object" || !isSchemaMap(spec.client) || !isSchemaMap(spec.server) || (spec.acks !== undefined && !isSchemaMap(spec.acks))) {
    throw new ProtocolError("INVALID_PROTOCOL", "defineProtocol({ client, server, acks? }): each is an object of Standard Schemas (zod, valibot, arktype, ...)");
  }
  for (const name of [...Object.keys(spec.client), ...Object.keys(spec.server)]) {
    if (name.startsWith("$")) throw new ProtocolError("INVALID_PROTOCOL", `event "${name}": names starting with "$" are reserved`);
  }
  return new Protocol(spec);
}
