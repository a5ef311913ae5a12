// The protocol declaration: which events each side may send, each with a Standard Schema, and the protocol's name.
// Shared by server and client code, so it holds no server code at all: the server half (`handle`, `emit`,
// `publish`, `broadcast`) lives in `server.ts`, which only the server entry (`bunwire`) imports.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ProtocolError } from "./errors.ts";

/** Event name -> Standard Schema (zod, valibot, arktype, ...). */
export type EventMap = { readonly [event: string]: StandardSchemaV1 };
/** Optional ack declarations: client event name -> schema of what its handler returns. Types only, not validated. */
export type AckMap<C extends EventMap> = { readonly [E in keyof C]?: StandardSchemaV1 };
/**
 * Server requests: server event name -> schema of the client's reply. An event listed here can be sent with
 * `request(ws, event, data)`, which resolves with the client's reply once this schema has validated it.
 */
export type ReplyMap<S extends EventMap> = { readonly [E in keyof S]?: StandardSchemaV1 };

export interface ProtocolSpec<C extends EventMap, S extends EventMap, A extends AckMap<C>, R extends ReplyMap<S> = {}> {
  /**
   * Names the protocol's broadcast topic (`$broadcast:<name>`), identical on every instance so a bus carries it.
   * Default: a digest of the event names; give a name so two protocols with the same events stay apart.
   */
  name?: string;
  /** Events the client sends to the server; each payload is validated on arrival. */
  client: C;
  /** Events the server sends to the client. */
  server: S;
  /** What a request for each client event resolves to (the handler's return type). */
  acks?: A;
  /** Server events the server may send as requests, each with the schema the client's reply must pass. */
  replies?: R;
}

export type SchemaInput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferInput<T> : never;
export type SchemaOutput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<T> : never;

/** Any protocol, for generic constraints (`connect<typeof chat>`): only its declaration, not its server methods. */
export interface AnyProtocol {
  readonly name: string;
  readonly client: EventMap;
  readonly server: EventMap;
  readonly acks: object;
  /** Optional so declarations from an older copy of bunwire (and gateways' placeholders) still count. */
  readonly replies?: object;
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

/** Server events declared as requests (with a reply schema). */
export type ServerRequests<P extends AnyProtocol> = RequestKeys<NonNullable<P["replies"]>> & ServerEvents<P>;
type RequestKeys<R> = { [E in keyof R]: R[E] extends StandardSchemaV1 ? E : never }[keyof R];
/** What the client's request handler returns for server request E (the reply schema's input). */
export type ReplyInput<P extends AnyProtocol, E extends string> = E extends keyof NonNullable<P["replies"]> ? SchemaInput<NonNullable<P["replies"]>[E]> : never;
/** What the server's `request` resolves to for E (the reply schema's output, after validation). */
export type ReplyOutput<P extends AnyProtocol, E extends string> = E extends keyof NonNullable<P["replies"]> ? SchemaOutput<NonNullable<P["replies"]>[E]> : never;

/** A declared protocol: import it from server and client code alike. */
export class Protocol<C extends EventMap, S extends EventMap, A extends AckMap<C>, R extends ReplyMap<S> = {}> implements AnyProtocol {
  readonly name: string;
  readonly client: C;
  readonly server: S;
  readonly acks: A;
  readonly replies: R;

  constructor(spec: ProtocolSpec<C, S, A, R>) {
    this.client = spec.client;
    this.server = spec.server;
    this.acks = spec.acks ?? ({} as A);
    this.replies = spec.replies ?? ({} as R);
    this.name = spec.name ?? digestName(Object.keys(spec.client), Object.keys(spec.server));
  }
}

/** The default name: FNV-1a over the sorted event names, the same on every instance that declares the protocol. */
function digestName(client: string[], server: string[]): string {
  const text = `${[...client].sort().join(",")}|${[...server].sort().join(",")}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `events-${hash.toString(36)}`;
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

/** Checks a declaration; throws INVALID_PROTOCOL naming what is wrong. */
export function checkSpec(spec: ProtocolSpec<EventMap, EventMap, object, object>): void {
  if (spec === null || typeof spec !== "object" || !isSchemaMap(spec.client) || !isSchemaMap(spec.server) || (spec.acks !== undefined && !isSchemaMap(spec.acks)) || (spec.replies !== undefined && !isSchemaMap(spec.replies))) {
    throw new ProtocolError("INVALID_PROTOCOL", "defineProtocol({ name?, client, server, acks?, replies? }): client, server, acks and replies are objects of Standard Schemas (zod, valibot, arktype, ...)");
  }
  for (const event of Object.keys(spec.replies ?? {})) {
    if (!Object.hasOwn(spec.server, event)) throw new ProtocolError("INVALID_PROTOCOL", `replies: "${event}" is not a server event of this protocol (a server request is a server event with a reply schema)`);
  }
  if (spec.name !== undefined && (typeof spec.name !== "string" || spec.name.length === 0)) {
    throw new ProtocolError("INVALID_PROTOCOL", "defineProtocol({ name }): name must be a non-empty string");
  }
  for (const name of [...Object.keys(spec.client), ...Object.keys(spec.server)]) {
    if (name.startsWith("$")) throw new ProtocolError("INVALID_PROTOCOL", `event "${name}": names starting with "$" are reserved`);
  }
}

/**
 * Declares a protocol (this is the `bunwire/client` one, safe for browser bundles). On the server, either import
 * `defineProtocol` from `bunwire` (its protocols have `handle`, `emit`, `publish`, `broadcast`), or wrap a shared
 * declaration once with `serverProtocol(chat)` from `bunwire`.
 */
export function defineProtocol<C extends EventMap, S extends EventMap, A extends AckMap<C> = {}, R extends ReplyMap<S> = {}>(spec: ProtocolSpec<C, S, A, R>): Protocol<C, S, A, R> {
  checkSpec(spec as ProtocolSpec<EventMap, EventMap, object, object>);
  return new Protocol(spec);
}
