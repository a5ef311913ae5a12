// The public types of the server half: the handlers `handle()` takes, its options, what it returns, and what
// `publish`/`broadcast` publish through. Types only: the client bundle may import them at no cost.

import type { Server, ServerWebSocket } from "bun";
import type { BunwireError } from "../engine/errors.ts";
import type { TopicHistory } from "../engine/history.ts";
import type { GONE, SERVED_ON, URGENT } from "../engine/socket-route.ts";
import type { EventMap, SchemaInput, SchemaOutput } from "./define.ts";
import type { PresenceMeta, PresenceStore } from "../presence/store.ts";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { IdempotencyOptions } from "./once.ts";

type AckReturn<A, E> = E extends keyof A ? (A[E] extends StandardSchemaV1 ? SchemaInput<A[E]> : unknown) : unknown;

/** One handler per client event: `data` is the schema's output; the return value is the ack of a request. */
export type EventHandlers<C extends EventMap, A, D> = {
  [E in keyof C & string]: (ws: ServerWebSocket<D>, data: SchemaOutput<C[E]>) => AckReturn<A, E> | Promise<AckReturn<A, E>>;
};

/**
 * Something to publish through: a socket served by the protocol (reaches everyone but itself), the App, Router,
 * file-routes router or gateway Application serving it, or a Bun server. Any object with `publish` works; the
 * history and broadcast topic are found where the protocol is served (docs/PROTOCOL.md, "Where publish looks").
 */
export interface PublishTarget {
  publish(topic: string, data: string, compress?: boolean): unknown;
}

/** Who may `$join` which topic: false (default) refuses, true allows any, or decide per socket. */
export type RoomPolicy<D> = boolean | ((ws: ServerWebSocket<D>, topic: string) => boolean | Promise<boolean>);

export interface HandleOptions<D> {
  /** Topic history for `$join` recovery and event sequence numbers; any `TopicHistory` (memory, Redis Streams). */
  history?: TopicHistory;
  /** Which topics clients may `$join` (default false). */
  rooms?: RoomPolicy<D>;
  /** Topics one connection may `$join` at once; one more gets TOO_MANY_ROOMS (default 100). */
  maxRooms?: number;
  /** On invalid JSON/envelope/payload or unknown event: reply with an error (default) or close (1007/1008). */
  invalid?: "reply" | "close";
  /** Accept MessagePack binary frames (default true). */
  msgpack?: boolean;
  /**
   * Run each request that carries a key once per key: a repeat within `windowMs` gets the first run's reply without
   * running the handler (default off; `true` = in memory, 5 minutes; `{ store: redisIdempotency(...) }` across
   * instances).
   */
  idempotency?: boolean | IdempotencyOptions;
  /**
   * Topic every socket of these handlers joins, used by `broadcast` (default `$broadcast:<protocol name>`). `false`:
   * the sockets join none, which saves a topic subscription per connection (about 235 bytes at scale in one run,
   * docs/CAPACITY.md), and `broadcast` to them throws BROADCAST_OFF.
   */
  broadcastTopic?: string | false;
  /** Presence for clients: `$join`ed users are present, clients follow a room with `client.presence(room)`. */
  presence?: PresenceOptions<D>;
  /**
   * Called when an event handler throws or rejects, after the client got its error reply (`HANDLER_ERROR`, or the
   * code of a `BunwireError` thrown), with the socket, the error and the event's name. Not called for input that
   * fails validation or the envelope check (those are answered, not errors), nor for `open`/`close`. Default: the
   * serving front door's `onError` option, else its logger (with the route and connection id); under a bare
   * `Bun.serve`, the console.
   */
  onError?: (ws: ServerWebSocket<D>, error: unknown, event: string) => void;
  open?: (ws: ServerWebSocket<D>) => void | Promise<void>;
  close?: (ws: ServerWebSocket<D>, code: number, reason: string) => void | Promise<void>;
}

/**
 * The typed-message settings `handle()` shares with `@WebSocketGateway(path, options)`: everything but the
 * lifecycle callbacks, which a gateway declares with decorators (`@OnOpen`, `@OnClose`) instead.
 */
export type ProtocolSettings<D> = Omit<HandleOptions<D>, "onError" | "open" | "close">;

/** Plain Bun/bunwire WebSocket handlers, accepted by `app.ws`, routers and `Bun.serve({ websocket })`. */
export interface ProtocolSocketHandlers<D> {
  /** The subprotocols (codecs) these handlers speak, in preference order: bunwire's engine negotiates them. */
  readonly subprotocols: readonly string[];
  open(ws: ServerWebSocket<D>): void | Promise<void>;
  message(ws: ServerWebSocket<D>, message: string | Buffer): void | Promise<void>;
  close(ws: ServerWebSocket<D>, code: number, reason: string): void | Promise<void>;
  /** Called by the engine instead of `message` when it refuses a message (`messageRateLimit` with `action: "reply"`):
   *  the error (RATE_LIMITED) answers the message's request id. */
  rejected(ws: ServerWebSocket<D>, message: string | Buffer, error: BunwireError): void;
  /** Called by bunwire's engine with each server serving these handlers (see `SERVED_ON`). */
  [SERVED_ON]?(server: Server<unknown>): void;
  /** Called by bunwire's engine for a message that arrives while a handler runs: takes replies to server requests. */
  [URGENT]?(ws: ServerWebSocket<D>, message: string | Buffer): boolean;
  /** Called by bunwire's engine as soon as the socket closes: pending server requests fail with DISCONNECTED. */
  [GONE]?(ws: ServerWebSocket<D>): void;
}

/** `handle({ presence })`: clients may follow a room's presence (docs/PROTOCOL.md, "Presence"). */
export interface PresenceOptions<D> {
  /** Where presence lives: `memoryPresence()` (one instance) or `redisPresence({ url | cluster | client })`. */
  store: PresenceStore;
  /** Who may follow which room's presence (default: the `rooms` policy, so whoever may join a room may follow it). */
  follow?: RoomPolicy<D>;
  /** What a member shows to followers (default: its user's metadata, `connectionOf(ws).user` without `id`). */
  meta?: (ws: ServerWebSocket<D>) => PresenceMeta;
}
