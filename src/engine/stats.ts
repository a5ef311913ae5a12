// The engine's counters: plain numbers bumped with `++` where the work happens (one record per route pattern, one
// per server), read only when someone asks (a metrics scrape, the inspector). Nothing here allocates on the
// message path; what allocates (a refusal, an error, a close code) happens once per connection or per failure.
// Labels stay bounded: route patterns, status and error codes, close codes; never a concrete path, topic or user.

import type { ConnectionUser } from "./identity.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { redactText } from "./redact.ts";
import type { Socket, SocketEventName } from "./socket-route.ts";

/** Distinct keys one counter keeps before the rest count under `OTHER` (a user's own error codes are open-ended). */
const MAX_KEYS = 64;
/** How many recent refusals and errors the inspector is shown. */
const RECENT = 25;

export const OTHER = "OTHER";

/** Counts per key (error codes, close codes), at most MAX_KEYS distinct keys. */
export class KeyedCounts<K extends string | number> {
  readonly #counts = new Map<K | typeof OTHER, number>();

  add(key: K): void {
    const counts = this.#counts;
    const now = counts.get(key);
    if (now !== undefined) counts.set(key, now + 1);
    else if (counts.size < MAX_KEYS) counts.set(key, 1);
    else counts.set(OTHER, (counts.get(OTHER) ?? 0) + 1);
  }

  entries(): IterableIterator<[K | typeof OTHER, number]> {
    return this.#counts.entries();
  }

  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }
}

/** The last `size` items, oldest first when read. */
export class Recent<T> {
  readonly #items: T[] = [];
  #next = 0;

  constructor(readonly size: number) {}

  push(item: T): void {
    if (this.#items.length < this.size) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.size;
  }

  list(): T[] {
    const items = this.#items;
    return items.length < this.size ? [...items] : [...items.slice(this.#next), ...items.slice(0, this.#next)];
  }
}

/** One failure a handler threw, as the inspector lists it. */
export interface ErrorRecord {
  readonly at: number;
  readonly route: string;
  readonly code: string;
  /** `message`, `open`, ..., or the typed event's name. */
  readonly event: string;
  readonly connection: string | undefined;
  readonly user: string | undefined;
  readonly message: string;
}

export interface RefusalRecord {
  readonly at: number;
  /** The route pattern, or "none" when no route matched (404). */
  readonly route: string;
  readonly status: number;
  readonly code: string;
}

export interface RefusalCount extends Omit<RefusalRecord, "at"> {
  count: number;
}

/** A topic being tailed by the inspector: what was published on it lately, redacted and truncated. */
export interface TopicTap {
  readonly topic: string;
  push(data: unknown): void;
}

/** The code an error counts under: a bunwire error's own, anything else HANDLER_ERROR (as on the wire). */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : "HANDLER_ERROR";
}

/** What the counters keep of a connection, as exemplars (the engine's Connection is one). */
export interface CountedConnection {
  readonly id: string;
  readonly user: ConnectionUser | undefined;
  readonly openedAt: number;
  readonly stats: RouteStats;
}

/** Counters of one route pattern, reached from every connection on it (`connection.stats`). */
export class RouteStats {
  /** Open sockets now. */
  open = 0;
  /** Sockets opened (upgrades accepted). */
  opened = 0;
  /** Frames received (before any limit), and their size: text in characters, binary in bytes. */
  messagesIn = 0;
  bytesIn = 0;
  /** Frames bunwire itself sent on these sockets (typed replies, errors, events, pongs, replays; not those Bun dropped), and their size. */
  messagesOut = 0;
  bytesOut = 0;
  /** bunwire's sends that Bun answered -1 (queued under backpressure) or 0 (dropped). */
  backpressure = 0;
  sendDropped = 0;
  /** `drain` events: a socket's send buffer emptied after backpressure. */
  drains = 0;
  queueOverflows = 0;
  rateLimited = 0;
  /** `$join` with an offset: the history had every missed event, or could not say. */
  recovered = 0;
  notRecovered = 0;
  readonly closes = new KeyedCounts<number>();
  readonly errors = new KeyedCounts<string>();
  /** Exemplars: the last connection opened, the last one whose handler failed (and with which code). */
  lastOpened: CountedConnection | undefined;
  lastFailed: CountedConnection | undefined;
  lastFailedCode = "";
  lastFailedAt = 0;

  constructor(readonly route: string, readonly server: ServerStats) {
  }
}

/** Counters of one engine (one server), and what the inspector reads about it. */
export class ServerStats {
  readonly startedAt = Date.now();
  readonly routes: RouteStats[] = [];
  /** Publishes made through bunwire on this instance, and the local subscribers they reached then. */
  publishes = 0;
  deliveries = 0;
  /** Messages from other instances delivered here (bus), and the local subscribers they reached. */
  busDeliveries = 0;
  readonly refusals = new Map<string, RefusalCount>();
  readonly recentRefusals = new Recent<RefusalRecord>(RECENT);
  readonly recentErrors = new Recent<ErrorRecord>(RECENT);
  /** True once an inspector is mounted: publishes are then counted per topic. */
  tracking = false;
  /** Publishes per topic while tracking (bounded), for the inspector's hottest topics. */
  topics: Map<string, number> | null = null;
  tap: TopicTap | null = null;
  /** Local subscribers of a topic (the engine's server, once listening). */
  subscriberCount: (topic: string) => number = () => 0;
  /** The engine's logger, for lines a typed protocol writes about a socket. */
  logger: Logger = consoleLogger;
  /** The engine's error path (its `onError` hook, else the logger), for errors a typed protocol reports. */
  report: (ws: Socket, error: unknown, event: SocketEventName | string) => void = () => {};

  /** Counts publishes per topic from now on (for the inspector's hottest topics). */
  track(): void {
    if (this.tracking) return;
    this.tracking = true;
    this.topics = new Map();
  }

  /** A publish through bunwire reached `deliveries` local subscribers. */
  published(topic: string, data: unknown, deliveries: number): void {
    this.publishes++;
    this.deliveries += deliveries;
    if (this.topics !== null) this.#sample(topic);
    if (this.tap !== null && this.tap.topic === topic) this.tap.push(data);
  }

  /** A message from another instance reached `deliveries` local subscribers. */
  relayed(topic: string, data: unknown, deliveries: number): void {
    this.busDeliveries += deliveries;
    if (this.tap !== null && this.tap.topic === topic) this.tap.push(data);
  }

  refused(route: string, status: number, code: string): void {
    const key = `${route} ${status} ${code}`;
    const count = this.refusals.get(key);
    if (count !== undefined) count.count++;
    else if (this.refusals.size < MAX_KEYS * 4) this.refusals.set(key, { route, status, code, count: 1 });
    this.recentRefusals.push({ at: Date.now(), route, status, code });
  }

  /** A handler on `connection` failed with `error` (counted per route and code, kept for the inspector). */
  failed(connection: CountedConnection, error: unknown, event: string): void {
    const stats = connection.stats;
    const code = codeOf(error);
    stats.errors.add(code);
    stats.lastFailed = connection;
    stats.lastFailedCode = code;
    stats.lastFailedAt = Date.now();
    const message = error instanceof Error ? error.message : String(error);
    this.recentErrors.push({ at: Date.now(), route: stats.route, code, event, connection: connection.id, user: connection.user?.id, message: redactText(message.slice(0, 300)) });
  }

  #sample(topic: string): void {
    const topics = this.topics!;
    const count = topics.get(topic);
    if (count !== undefined) topics.set(topic, count + 1);
    else if (topics.size < 1000) topics.set(topic, 1);
  }
}
