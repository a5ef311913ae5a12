// Client options, their defaults, and the reconnect delay (exponential backoff with jitter).

import type { JoinResult } from "../protocol/envelope.ts";
import { optionKeys, unknownOption } from "../engine/option-names.ts";
import { SavedOffsets, type PersistOffsetsOptions } from "./saved-offsets.ts";
export type ClientState = "connecting" | "open" | "reconnecting" | "closed";

/** A binary codec the client may negotiate by WebSocket subprotocol (see `msgpack`). */
export interface ClientCodec {
  readonly subprotocol: string;
  encode(value: object): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

export interface ReconnectOptions {
  /** First delay in ms (default 250). */
  initialDelay?: number;
  /** Upper bound in ms (default 5000). */
  maxDelay?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** 0..1: the delay is drawn from [(1 - jitter) * d, d] so clients do not reconnect in lockstep (default 0.5). */
  jitter?: number;
  /** Reconnect attempts in a row before giving up and closing (default Infinity); the first connection is not one. */
  maxAttempts?: number;
}

export interface HeartbeatOptions {
  /** Ms between `$ping`s while open (default 25000). */
  interval?: number;
  /** Ms to wait for any frame after a `$ping` before declaring the connection dead (default 10000). */
  timeout?: number;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

export interface ClientOptions {
  /** For runtimes without a global WebSocket (Node < 22), or a custom implementation. */
  WebSocket?: WebSocketConstructor;
  /** `msgpack` (from "bunwire/client/msgpack") to speak MessagePack when the server agrees; JSON otherwise. */
  codec?: ClientCodec;
  /** false disables reconnecting. */
  reconnect?: ReconnectOptions | false;
  /** false disables the heartbeat. */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Ms a connection attempt may take, from opening the socket to the server's answer to the upgrade (default
   * 10000; Infinity waits for ever). Past it the attempt is abandoned (`lastClose` is `{ code: 1006, reason:
   * "connect timeout" }`) and the client reconnects with the usual backoff.
   */
  connectTimeout?: number;
  /** Emits and requests kept while not connected (default 1000). */
  maxQueue?: number;
  /** When the queue is full: drop the oldest entry (default) or reject the new one (emit throws QUEUE_FULL). */
  overflow?: "drop-oldest" | "reject";
  /** Called with each emit or request dropped from a full queue. */
  onDrop?: (event: string, data: unknown) => void;
  /** Close codes after which the client stops for good (default 1003, 1007, 1008, 4401, 4403). */
  doNotRetry?: readonly number[];
  /** Default request timeout in ms (default 10000). */
  requestTimeout?: number;
  /**
   * Called after each rejoin: after a reconnect, or to fill a gap in a topic's sequence numbers. `recovered: false`
   * means events were lost (nothing was replayed): resync the topic from your own source of truth.
   */
  onRejoin?: (topic: string, result: JoinResult) => void;
  /** Ms an out-of-order event waits for the missing ones before the topic is rejoined to fetch them (default 1000). */
  gapTimeout?: number;
  /**
   * Every request carries an idempotency key (`<client id>:<request id>`), and requests still unanswered when the
   * connection drops are sent again, same key, after reconnecting, instead of failing with DISCONNECTED. With a
   * server whose `handle()` keeps keys (`idempotency`), the handler runs once and the repeat gets the first reply.
   * Per request: `request(event, data, { idempotent })`. Default false.
   */
  idempotent?: boolean;
  /**
   * This client's id (default: 128 random bits). Its idempotency keys are `<clientId>:<session>:<request id>`, the
   * session 72 random bits of this client object: two clients given the same id (two tabs, a page reload) never
   * share a key.
   */
  clientId?: string;
  /**
   * Keep each joined topic's position across page reloads (`true`: in `sessionStorage`), so a `join` after a reload
   * resumes from it and the server replays what was missed. Default false.
   */
  persistOffsets?: boolean | PersistOffsetsOptions;
}

export interface ResolvedOptions {
  WebSocket: WebSocketConstructor;
  codec: ClientCodec | undefined;
  reconnect: Required<ReconnectOptions> | false;
  heartbeat: Required<HeartbeatOptions> | false;
  connectTimeout: number;
  maxQueue: number;
  overflow: "drop-oldest" | "reject";
  onDrop: ((event: string, data: unknown) => void) | undefined;
  doNotRetry: ReadonlySet<number>;
  requestTimeout: number;
  onRejoin: ((topic: string, result: JoinResult) => void) | undefined;
  gapTimeout: number;
  idempotent: boolean;
  clientId: string;
  saved: SavedOffsets | undefined;
}

const CLIENT_KEYS = optionKeys<ClientOptions>({
  WebSocket: true,
  codec: true,
  reconnect: true,
  heartbeat: true,
  connectTimeout: true,
  maxQueue: true,
  overflow: true,
  onDrop: true,
  doNotRetry: true,
  requestTimeout: true,
  onRejoin: true,
  gapTimeout: true,
  idempotent: true,
  clientId: true,
  persistOffsets: true,
});

export function resolveOptions(options: ClientOptions, globalWebSocket: WebSocketConstructor | undefined, url = ""): ResolvedOptions | string {
  const unknown = unknownOption(options, CLIENT_KEYS);
  if (unknown !== undefined) return `connect(): ${unknown}`;
  const ctor = options.WebSocket ?? globalWebSocket;
  if (ctor === undefined) return "no WebSocket constructor: pass options.WebSocket (e.g. from the `ws` package) on this runtime";
  const reconnect = options.reconnect === false ? false : {
    initialDelay: options.reconnect?.initialDelay ?? 250,
    maxDelay: options.reconnect?.maxDelay ?? 5000,
    factor: options.reconnect?.factor ?? 2,
    jitter: Math.min(1, Math.max(0, options.reconnect?.jitter ?? 0.5)),
    maxAttempts: options.reconnect?.maxAttempts ?? Infinity,
  };
  const heartbeat = options.heartbeat === false ? false : {
    interval: options.heartbeat?.interval ?? 25_000,
    timeout: options.heartbeat?.timeout ?? 10_000,
  };
  const connectTimeout = options.connectTimeout ?? 10_000;
  if (!(connectTimeout > 0)) return "options.connectTimeout must be a number > 0";
  const maxQueue = options.maxQueue ?? 1000;
  if (!(maxQueue >= 0)) return "options.maxQueue must be a number >= 0";
  const gapTimeout = options.gapTimeout ?? 1000;
  if (!(gapTimeout >= 0)) return "options.gapTimeout must be a number >= 0";
  const clientId = options.clientId ?? randomId();
  if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > 100) return "options.clientId must be a string of 1 to 100 characters";
  const saved = savedOffsets(options.persistOffsets, url);
  if (typeof saved === "string") return saved;
  return {
    WebSocket: ctor,
    codec: options.codec,
    reconnect,
    heartbeat,
    connectTimeout,
    maxQueue,
    overflow: options.overflow ?? "drop-oldest",
    onDrop: options.onDrop,
    doNotRetry: new Set(options.doNotRetry ?? [1003, 1007, 1008, 4401, 4403]),
    requestTimeout: options.requestTimeout ?? 10_000,
    onRejoin: options.onRejoin,
    gapTimeout,
    idempotent: options.idempotent === true,
    clientId,
    saved,
  };
}

/** Random bits, base64url (128 by default): unguessable, so a client's keys are its own when its connection has no user. */
export function randomId(byteCount = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(byteCount));
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function savedOffsets(option: ClientOptions["persistOffsets"], url: string): SavedOffsets | undefined | string {
  if (option === undefined || option === false) return undefined;
  const settings: PersistOffsetsOptions = option === true ? {} : option;
  const storage = settings.storage ?? (globalThis as { sessionStorage?: PersistOffsetsOptions["storage"] }).sessionStorage;
  if (storage === undefined) return "options.persistOffsets: this runtime has no sessionStorage; pass persistOffsets: { storage }";
  return new SavedOffsets(storage, settings.key ?? `bunwire:${url}`);
}

/** Delay before reconnect attempt `attempt` (0-based). */
export function reconnectDelay(attempt: number, options: Required<ReconnectOptions>, random: number = Math.random()): number {
  const base = Math.min(options.maxDelay, options.initialDelay * options.factor ** attempt);
  return base * (1 - options.jitter + options.jitter * random);
}
