// Cluster-wide operations on connections, the equivalent of Socket.IO's fetchSockets, socketsJoin/socketsLeave,
// disconnectSockets and serverSideEmit, on the bus's request/reply primitive: each operation is one request that
// every instance (or only those with the topic's or the user's subscribers) answers from its own open connections,
// and resolves with what arrived in time plus the instances that did not answer. Never throws for the cluster's
// sake; bad arguments reject before anything is sent. Without a bus the same code runs on this instance alone.

import type { Bus, BusPayload, ClusterFailure, ClusterReplies } from "../bus/contract.ts";
import { BunwireError } from "../engine/errors.ts";
import { userTopic, type OpenConnections } from "../engine/open-connections.ts";
import { whenSubscribed } from "../engine/topics.ts";
import type { Socket } from "../engine/socket-route.ts";
import { checkClose, checkEventName, checkFilter, checkLimit, checkTimeout, checkTopics, localFilter, toJson, type ConnectionFilter } from "./input.ts";
import { disconnectLocal, listLocal, subscribeLocal, type ClusterConnection, type Describe, type Listing } from "./local.ts";

/** Request names on the bus (`$` names are bunwire's). */
const LIST = "$cluster:list";
const JOIN = "$cluster:join";
const LEAVE = "$cluster:leave";
const DISCONNECT = "$cluster:disconnect";
const EMIT = "$cluster:emit";

/** What every operation reports besides its result. */
export interface ClusterOutcome {
  /** Instances alive when the request left that did not answer within the timeout (frozen, overloaded, dying). */
  missing: string[];
  /** Instances whose part failed (an `on()` handler that threw), with the error's message. */
  failed: ClusterFailure[];
}

export interface ConnectionsResult extends ClusterOutcome {
  connections: ClusterConnection[];
  /** Instances that had more matching connections than `limit` (their first `limit` are listed). */
  truncated: string[];
}

export interface CountResult extends ClusterOutcome {
  /** Connections the operation applied to, on the instances that answered. */
  count: number;
}

export interface EmitResult<R = unknown> extends ClusterOutcome {
  /** What the other instances' `on(event)` handlers returned (those that returned `undefined` are not listed). */
  replies: { instance: string; data: R }[];
}

export interface ClusterCallOptions {
  /** How long to wait for the other instances (default: the bus's `requestTimeoutMs`, 1000 ms). */
  timeoutMs?: number;
}

export interface ConnectionsOptions extends ClusterCallOptions {
  /** Connections listed per instance at most (default 1000): answers travel whole through the broker. */
  limit?: number;
}

export interface DisconnectOptions extends ClusterCallOptions {
  /** Close code: 1000 (default) or 3000-4999. */
  code?: number;
  /** Close reason, at most 123 bytes. */
  reason?: string;
}

export interface EmitContext {
  /** The instance that emitted. */
  from: string;
}

/** Handles a `cluster.emit(event)` from another instance; its return value (JSON) is the reply, `undefined` none. */
export type ClusterEventHandler = (data: unknown, context: EmitContext) => unknown;

/** What the engine gives its cluster: its open connections, its bus, and where failures are reported. */
export interface ClusterHost {
  readonly connections: OpenConnections;
  readonly bus: Bus | undefined;
  report(error: unknown): void;
  warn(message: string): void;
}

const NO_OUTCOME = (): ClusterOutcome => ({ missing: [], failed: [] });

export class Cluster {
  readonly #host: ClusterHost;
  readonly #handlers = new Map<string, ClusterEventHandler>();
  #describe: Describe | undefined;
  #attached = false;

  constructor(host: ClusterHost) {
    this.#host = host;
  }

  /** This instance's name in answers (`bus.instanceId`; `"local"` without a bus). */
  get instanceId(): string {
    return this.#host.bus?.instanceId ?? "local";
  }

  /** Every instance known to be alive, this one first (its heartbeats reach the others). */
  members(): string[] {
    return [this.instanceId, ...(this.#host.bus?.members() ?? [])];
  }

  /**
   * Sets what `connections()` reports as each connection's `meta`, computed on the instance holding it (the
   * function does not travel: set it on every instance). Return JSON; `undefined` leaves `meta` out.
   */
  describe(describe: (ws: Socket<any>) => unknown): void {
    if (typeof describe !== "function") throw new BunwireError("INVALID_HANDLER", "cluster.describe(fn): fn must be a function");
    this.#describe = describe;
  }

  /** The connections matching `filter` on every instance (id, user, instance, route, ip, openedAt, topics, meta). */
  async connections(filter: ConnectionFilter, options: ConnectionsOptions = {}): Promise<ConnectionsResult> {
    const checked = checkFilter(filter, "connections");
    const limit = checkLimit(options.limit);
    const answers = await this.#request(LIST, { f: checked, l: limit }, checked, checkTimeout(options.timeoutMs, "connections"));
    const result: ConnectionsResult = { connections: [], truncated: [], missing: answers.missing, failed: answers.failed };
    for (const { instance, data } of answers.replies) {
      const listing = parse<Listing>(data);
      if (listing === undefined || !Array.isArray(listing.connections)) {
        result.failed.push({ instance, message: "unreadable answer" });
        continue;
      }
      result.connections.push(...listing.connections);
      if (listing.truncated) result.truncated.push(instance);
    }
    return result;
  }

  /** Subscribes the matching connections to `topics` on every instance (Socket.IO's `socketsJoin`). */
  join(filter: ConnectionFilter, topics: string | readonly string[], options: ClusterCallOptions = {}): Promise<CountResult> {
    return this.#subscribe(JOIN, "join", filter, topics, options);
  }

  /** Unsubscribes the matching connections from `topics` on every instance (Socket.IO's `socketsLeave`). */
  leave(filter: ConnectionFilter, topics: string | readonly string[], options: ClusterCallOptions = {}): Promise<CountResult> {
    return this.#subscribe(LEAVE, "leave", filter, topics, options);
  }

  /** Closes the matching connections on every instance with `code` and `reason` (Socket.IO's `disconnectSockets`). */
  async disconnect(filter: ConnectionFilter, options: DisconnectOptions = {}): Promise<CountResult> {
    const checked = checkFilter(filter, "disconnect");
    const { code, reason } = checkClose(options.code, options.reason);
    return count(await this.#request(DISCONNECT, { f: checked, c: code, r: reason }, checked, checkTimeout(options.timeoutMs, "disconnect")));
  }

  /**
   * Sends `data` (JSON) to the `on(event)` handlers of every OTHER instance (Socket.IO's `serverSideEmit`) and
   * collects their replies. Without a bus there is no other instance: it resolves with no replies.
   */
  async emit<R = unknown>(event: string, data?: unknown, options: ClusterCallOptions = {}): Promise<EmitResult<R>> {
    const name = checkEventName(event, "emit");
    const payload = data === undefined ? JSON.stringify({ e: name }) : `{"e":${JSON.stringify(name)},"d":${toJson(data, "emit")}}`;
    const timeoutMs = checkTimeout(options.timeoutMs, "emit");
    const bus = this.#host.bus;
    if (bus === undefined) return { replies: [], ...NO_OUTCOME() };
    const answers = await bus.request(EMIT, payload, { timeoutMs });
    const result: EmitResult<R> = { replies: [], missing: answers.missing, failed: answers.failed };
    for (const { instance, data: reply } of answers.replies) {
      const value = parse<{ r?: R }>(reply);
      if (value === undefined) result.failed.push({ instance, message: "unreadable answer" });
      else result.replies.push({ instance, data: value.r as R });
    }
    return result;
  }

  /** Handles `cluster.emit(event)` from the other instances. One handler per event; returns the function that removes it. */
  on(event: string, handler: ClusterEventHandler): () => void {
    const name = checkEventName(event, "on");
    if (typeof handler !== "function") throw new BunwireError("INVALID_HANDLER", `cluster.on("${name}", handler): handler must be a function`);
    if (this.#handlers.has(name)) throw new BunwireError("INVALID_HANDLER", `cluster.on("${name}") already has a handler`);
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  /** Called by the engine when it starts listening: this instance answers the others' operations from now on. */
  attach(): void {
    const bus = this.#host.bus;
    if (bus === undefined || this.#attached) return;
    this.#attached = true;
    try {
      bus.onRequest(LIST, (data) => this.#answerList(data));
      bus.onRequest(JOIN, (data) => this.#answerSubscribe(data, true));
      bus.onRequest(LEAVE, (data) => this.#answerSubscribe(data, false));
      bus.onRequest(DISCONNECT, (data) => this.#answerDisconnect(data));
      bus.onRequest(EMIT, (data, { from }) => this.#answerEmit(data, from, bus.instanceId));
    } catch (error) {
      // Another server of this process already answers on this bus: one bus serves one server.
      this.#host.warn(`[bunwire] cluster operations: ${(error as Error).message}; give each server its own bus`);
    }
  }

  async #subscribe(name: string, where: "join" | "leave", filter: ConnectionFilter, topics: string | readonly string[], options: ClusterCallOptions): Promise<CountResult> {
    const checked = checkFilter(filter, where);
    const list = checkTopics(topics, where);
    return count(await this.#request(name, { f: checked, t: list }, checked, checkTimeout(options.timeoutMs, where)));
  }

  /** One operation: through the bus to the instances that may hold matching connections, or here alone. */
  async #request(name: string, body: object, filter: ConnectionFilter, timeoutMs: number | undefined): Promise<ClusterReplies> {
    const data = JSON.stringify(body);
    const bus = this.#host.bus;
    if (bus === undefined) {
      const local = await this.#answer(name, data);
      return { replies: local === undefined ? [] : [{ instance: this.instanceId, data: local }], ...NO_OUTCOME() };
    }
    // A topic's (or a user's: every connection with a user is subscribed to its user topic) instances only.
    const topic = filter.topic ?? (filter.user === undefined ? undefined : userTopic(filter.user));
    return bus.request(name, data, { topic, timeoutMs });
  }

  #answer(name: string, data: BusPayload): string | undefined | Promise<string> {
    if (name === LIST) return this.#answerList(data);
    if (name === DISCONNECT) return this.#answerDisconnect(data);
    return this.#answerSubscribe(data, name === JOIN);
  }

  #answerList(data: BusPayload): string | undefined {
    const body = parse<{ f: ConnectionFilter; l: number }>(data);
    if (body === undefined || !this.#mayHold(body.f)) return undefined;
    const listing = listLocal(this.#host.connections, localFilter(body.f), this.instanceId, body.l, this.#describe, (error) => this.#host.report(error));
    return listing.connections.length === 0 ? undefined : JSON.stringify(listing);
  }

  /** Answers once the joined topics' bus subscriptions are live: after `join` resolves, a publish anywhere reaches them. */
  #answerSubscribe(data: BusPayload, join: boolean): string | undefined | Promise<string> {
    const body = parse<{ f: ConnectionFilter; t: string[] }>(data);
    if (body === undefined || !this.#mayHold(body.f) || !Array.isArray(body.t)) return undefined;
    const sockets = subscribeLocal(this.#host.connections, localFilter(body.f), body.t, join);
    const answer = String(sockets.length);
    const one = sockets[0];
    if (!join || one === undefined) return answer;
    return Promise.all(body.t.map((topic) => whenSubscribed(one, topic))).then(() => answer);
  }

  #answerDisconnect(data: BusPayload): string | undefined {
    const body = parse<{ f: ConnectionFilter; c: number; r: string }>(data);
    if (body === undefined || !this.#mayHold(body.f)) return undefined;
    return String(disconnectLocal(this.#host.connections, localFilter(body.f), body.c, body.r));
  }

  async #answerEmit(data: BusPayload, from: string, self: string): Promise<string | undefined> {
    if (from === self) return undefined; // serverSideEmit goes to the OTHER instances
    const body = parse<{ e: string; d?: unknown }>(data);
    const handler = body === undefined ? undefined : this.#handlers.get(body.e);
    if (handler === undefined) return undefined;
    const reply = await handler(body!.d, { from });
    if (reply === undefined) return undefined;
    const json = JSON.stringify(reply);
    if (json === undefined) throw new BunwireError("INVALID_REPLY", `the handler of "${body!.e}" returned a value with no JSON form`);
    return `{"r":${json}}`;
  }

  /** An id names its instance: the others skip the walk over their connections. */
  #mayHold(filter: ConnectionFilter | undefined): filter is ConnectionFilter {
    if (filter === null || typeof filter !== "object") return false;
    if (filter.id === undefined || this.#host.bus === undefined) return true;
    return filter.id.startsWith(`${this.#host.bus.instanceId}:`);
  }
}

function count(answers: ClusterReplies): CountResult {
  let total = 0;
  for (const { data } of answers.replies) {
    const n = Number(typeof data === "string" ? data : new TextDecoder().decode(data));
    if (Number.isSafeInteger(n) && n > 0) total += n;
  }
  return { count: total, missing: answers.missing, failed: answers.failed };
}

function parse<T>(data: BusPayload): T | undefined {
  try {
    const value: unknown = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    return value !== null && typeof value === "object" ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
