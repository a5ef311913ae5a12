// The reconnecting client: one WebSocket at a time, typed emit/request/on, answers to server requests, an offline
// queue flushed in order (keyed requests re-sent after a reconnect), rooms rejoined with their last offsets (events
// kept in sequence order, see rooms.ts), a connect timeout and a heartbeat for connections that stop answering, and
// a stop on close codes that mean "do not retry". No server code: it shares only the protocol's types with the server.

import type { JoinResult } from "../protocol/envelope.ts";
import type { AckOf, AnyProtocol, ClientEvents, ClientPayload, ReplyInput, ServerEvents, ServerPayload, ServerRequests } from "../protocol/define.ts";
import { Answers, type ReplyFrame } from "./answers.ts";
import { ClientError, closedError, RequestError } from "./errors.ts";
import { offeredSubprotocols, resolveUrl, speaksCodec } from "./handshake.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Listeners, type EventMeta, type Listener } from "./listeners.ts";
import { Outbox, type Outgoing } from "./outbox.ts";
import { randomId, reconnectDelay, type ClientState, type ResolvedOptions } from "./options.ts";
import { PresenceFollows, type RoomPresence } from "./presence.ts";
import { Rooms, type Positioned } from "./rooms.ts";

export type { EventMeta } from "./listeners.ts";

/** Per-request options: a timeout, an AbortSignal, and whether this request carries an idempotency key. */
export interface RequestOptions {
  /** Ms to wait for the ack (default: the client's `requestTimeout`), counted from the call, queued or not. */
  timeout?: number;
  /** Stops waiting: the request leaves the queue if still there and rejects with ABORTED (a sent one may still run). */
  signal?: AbortSignal;
  /** Overrides the client's `idempotent` option for this request. */
  idempotent?: boolean;
}

interface Inbound {
  event?: unknown;
  data?: unknown;
  id?: unknown;
  ack?: unknown;
  error?: unknown;
  topic?: unknown;
  offset?: unknown;
  seq?: unknown;
  after?: unknown;
  rid?: unknown;
}

export class Client<P extends AnyProtocol> {
  state: ClientState = "connecting";
  /** The code and reason of the last close, when there was one. */
  lastClose: { code: number; reason: string } | undefined;

  private socket: WebSocket | undefined;
  private binary = false;
  /**
   * The server acked a request keyed `<clientId>:<session>:<id>` (sent with `keys: "id"`) on this connection: keyed
   * requests now go without a key field, keyed by their ids.
   */
  #numbered = false;
  private userClosed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat: Heartbeat;
  private readonly outbox: Outbox;
  private readonly listeners = new Listeners();
  private readonly stateListeners = new Set<(state: ClientState) => void>();
  private readonly rooms: Rooms;
  private presences: PresenceFollows | undefined;
  private readonly answers = new Answers();
  /**
   * `<clientId>:<session>`, what this client's keys start with: the same across reconnects, so a retry is a repeat;
   * new with each client object, whose request ids start at 1 again, so another client with the same `clientId`
   * (a reloaded page, a second tab) never sends a key of this one's and gets its reply.
   */
  readonly #keyScope: string;

  constructor(private readonly url: string, private readonly options: ResolvedOptions) {
    this.#keyScope = `${options.clientId}:${randomId(9)}`;
    this.outbox = new Outbox(options, (entry) => this.send(entry));
    this.heartbeat = new Heartbeat(options.heartbeat, options.connectTimeout);
    this.rooms = new Rooms({
      deliver: (message) => this.listeners.deliver(message as Inbound & Positioned),
      recover: (topic) => this.state === "open" && this.sendJoin(topic, true),
      gapTimeout: options.gapTimeout,
      saved: options.saved,
    });
    this.open();
  }

  /** This client's id (`clientId`); its idempotency keys are `<id>:<session>:<request id>` (see `#keyScope`). */
  get id(): string {
    return this.options.clientId;
  }

  /** The negotiated subprotocol of the current connection ("" when none). */
  get subprotocol(): string {
    return this.socket?.protocol ?? "";
  }

  /** Sends an event; while not connected it is queued (bounded) and sent in order after reconnecting. */
  emit<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>): void {
    if (this.state === "closed") throw closedError();
    this.outbox.push({ event, data }, this.state === "open");
  }

  /** Sends an event and resolves with the handler's return value (its ack), or rejects with a RequestError/ClientError. */
  request<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>, options?: RequestOptions): Promise<AckOf<P, E>> {
    const keyed = options?.idempotent ?? this.options.idempotent;
    return this.call(event, data, options?.timeout ?? this.options.requestTimeout, keyed, options?.signal) as Promise<AckOf<P, E>>;
  }

  /** Listens to a server event; returns a function that removes the listener. */
  on<E extends ServerEvents<P>>(event: E, listener: (data: ServerPayload<P, E>, meta: EventMeta) => void): () => void {
    return this.listeners.on(event, listener as Listener);
  }

  off<E extends ServerEvents<P>>(event: E, listener: (data: ServerPayload<P, E>, meta: EventMeta) => void): void {
    this.listeners.off(event, listener as Listener);
  }

  /**
   * Answers the server's requests for `event` (a server event declared in `replies`): the handler's return value, or
   * resolved promise, is the reply the server validates. One handler per event (a new one replaces it); returns the
   * function that removes it. Without one, the server's request fails with NO_HANDLER.
   */
  onRequest<E extends ServerRequests<P>>(event: E, handler: (data: ServerPayload<P, E>) => ReplyInput<P, E> | Promise<ReplyInput<P, E>>): () => void {
    return this.answers.set(event, handler as (data: unknown) => unknown);
  }

  /** Joins a topic (`$join`); kept across reconnects, with recovery of missed events when the server keeps history. */
  join(topic: string): Promise<JoinResult> {
    if (this.state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const room = this.rooms.add(topic, { resolve, reject });
      if (this.state === "open" && room.waiters.length === 1) this.sendJoin(topic, false);
    });
  }

  leave(topic: string): Promise<void> {
    this.rooms.settle(topic, closedError(`left "${topic}"`));
    this.rooms.delete(topic);
    if (this.state !== "open") return Promise.resolve();
    return this.call("$leave", { topic }, this.options.requestTimeout, false).then(() => undefined);
  }

  /** Follows a room's presence (the server's `handle({ presence })` authorises it): a snapshot, then joins and leaves. */
  presence(topic: string): RoomPresence {
    if (this.state === "closed") throw closedError();
    return (this.presences ??= new PresenceFollows(this)).follow(topic);
  }

  onState(listener: (state: ClientState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Error replies to emits (no request id): validation failures, unknown events, handler errors. */
  onError(listener: (error: RequestError) => void): () => void {
    return this.listeners.onError(listener);
  }

  /** Resolves when the client is open; rejects if it closes first. */
  whenOpen(): Promise<void> {
    if (this.state === "open") return Promise.resolve();
    if (this.state === "closed") return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const off = this.onState((state) => {
        if (state === "open") resolve();
        else if (state === "closed") reject(closedError("the client closed before opening"));
        else return;
        off();
      });
    });
  }

  /** Closes for good: no reconnect; queued emits are dropped and pending requests reject with CLOSED. */
  close(code = 1000, reason = ""): void {
    this.userClosed = true;
    this.lastClose = { code, reason };
    const socket = this.socket;
    this.detach();
    socket?.close(code, reason);
    this.shutdown(code, reason);
  }

  private open(): void {
    const protocols = offeredSubprotocols(this.options.codec);
    let socket: WebSocket;
    try {
      socket = new this.options.WebSocket(resolveUrl(this.url), protocols);
    } catch (error) {
      this.lastClose = { code: 1006, reason: (error as Error).message };
      return this.scheduleReconnect();
    }
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    // One set of listeners per connection (not per message); events of a replaced socket are ignored.
    socket.onopen = () => socket === this.socket && this.opened(socket);
    socket.onmessage = (message) => socket === this.socket && this.received(message.data);
    socket.onclose = (event) => socket === this.socket && this.lost(event.code, event.reason);
    // A close event always follows an error; the `ws` package would throw on an error nobody listens to.
    socket.onerror = ignore;
    this.heartbeat.connecting(() => this.abandon());
  }

  private opened(socket: WebSocket): void {
    this.attempt = 0;
    this.#numbered = false;
    this.binary = speaksCodec(this.options.codec, socket.protocol);
    this.setState("open");
    this.heartbeat.start(() => this.send({ event: "$ping", data: null }), () => this.declareDead());
    for (const [topic, room] of this.rooms.rooms) this.sendJoin(topic, room.acked);
    this.outbox.flush();
  }

  /** `$join` from the last offset seen: a first join, a rejoin after reconnecting, or the recovery of a gap. */
  private sendJoin(topic: string, rejoin: boolean): void {
    const room = this.rooms.joining(topic);
    if (room === undefined) return;
    const offset = room.offset;
    // The seq with it lets the server stamp events it fails to record at or past this client's position.
    const data = offset === undefined ? { topic } : room.seq === undefined ? { topic, offset } : { topic, offset, seq: room.seq };
    this.call("$join", data, this.options.requestTimeout, false).then(
      (ack) => {
        const result = ack as JoinResult;
        this.rooms.joined(topic, result);
        if (rejoin) this.options.onRejoin?.(topic, result);
        this.rooms.settle(topic, result);
      },
      (error: Error) => {
        // A dropped connection is retried by the next rejoin; a refusal by the server is final.
        if (error instanceof ClientError && error.code === "DISCONNECTED") return;
        this.rooms.joinFailed(topic);
        this.rooms.settle(topic, error);
        if (error instanceof RequestError) this.rooms.delete(topic);
      },
    );
  }

  private call(event: string, data: unknown, timeout: number, keyed: boolean, signal?: AbortSignal): Promise<unknown> {
    if (this.state === "closed") return Promise.reject(closedError());
    return this.outbox.request(event, data, { timeout, signal, keyPrefix: keyed ? this.#keyScope : undefined }, this.state === "open");
  }

  private send(entry: Outgoing | ReplyFrame): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== 1) return false;
    // A key `<clientId>:<session>:<id>` goes whole, with `keys: "id"` (the connection's keys are its ids), until the
    // server acked one; then the id alone is the key: no field for the server to read (docs/PROTOCOL.md).
    const frame = this.#numbered && (entry as Outgoing).key ? { event: entry.event, data: entry.data, id: (entry as Outgoing).id } : entry;
    // The cast: TypeScript 7's DOM typings take only ArrayBuffer-backed views, and codecs never return shared memory.
    socket.send(this.binary ? (this.options.codec!.encode(frame) as Uint8Array<ArrayBuffer>) : JSON.stringify(frame));
    return true;
  }

  private received(raw: unknown): void {
    this.heartbeat.seen();
    let message: Inbound;
    try {
      message = (typeof raw === "string" ? JSON.parse(raw) : this.options.codec?.decode(new Uint8Array(raw as ArrayBuffer))) as Inbound;
    } catch {
      return;
    }
    if (message === null || typeof message !== "object") return;
    if (typeof message.id === "number") {
      // An ack of a request keyed `<clientId>:<session>:<id>` on this connection: the server noted the client, so the
      // next keyed requests go with their ids alone (docs/PROTOCOL.md, "Exactly-once effects").
      if (!this.#numbered && message.error === undefined) this.#numbered = this.outbox.keyed(message.id);
      return this.outbox.settle(message.id, message);
    }
    const event = message.event;
    if (typeof event !== "string" || event === "$pong") return;
    if (typeof message.rid === "number") {
      const socket = this.socket;
      // The reply goes back on the connection the request came on, or nowhere.
      return this.answers.answer(message as { event: string; rid: number; data?: unknown }, (frame) => socket === this.socket && this.send(frame));
    }
    if (event === "$error") return this.listeners.failed(new RequestError(message.error));
    // Events of a joined topic with a history go through its sequence: once each, in order.
    if (typeof message.topic === "string" && typeof message.seq === "number" && typeof message.offset === "string" && this.rooms.receive(message as Positioned)) return;
    // An event its history could not record, older than where the history has since placed this client: dropped.
    if (typeof message.after === "number" && typeof message.topic === "string" && this.rooms.outdated(message.topic, message.after)) return;
    this.listeners.deliver(message);
  }

  /**
   * The handshake got no answer within `connectTimeout`: the attempt is given up (a socket still connecting takes no
   * close code) and counts as a failed connection, retried with the usual backoff.
   */
  private abandon(): void {
    const socket = this.socket;
    this.detach();
    socket?.close();
    this.lost(1006, "connect timeout");
  }

  private declareDead(): void {
    const socket = this.socket;
    this.detach();
    const reason = "heartbeat timeout";
    socket?.close(4000, reason);
    this.lost(4000, reason);
  }

  /** Stops listening to the current socket and its timers; its later events are ignored. */
  private detach(): void {
    const socket = this.socket;
    if (socket !== undefined) socket.onopen = socket.onmessage = socket.onclose = null;
    this.socket = undefined;
    this.heartbeat.stop();
    this.rooms.disconnected();
  }

  private lost(code: number, reason: string): void {
    this.detach();
    this.lastClose = { code, reason };
    this.outbox.disconnected(code);
    if (this.userClosed) return;
    if (this.options.doNotRetry.has(code)) return this.shutdown(code, reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const reconnect = this.options.reconnect;
    if (reconnect === false || this.attempt >= reconnect.maxAttempts) {
      return this.shutdown(this.lastClose?.code ?? 1006, this.lastClose?.reason ?? "");
    }
    this.setState("reconnecting");
    const delay = reconnectDelay(this.attempt++, reconnect);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private shutdown(code: number, reason: string): void {
    clearTimeout(this.reconnectTimer);
    this.lastClose ??= { code, reason };
    const error = closedError(`closed (${code}${reason ? `: ${reason}` : ""})`);
    this.outbox.clear(error);
    for (const topic of this.rooms.rooms.keys()) this.rooms.settle(topic, error);
    this.setState("closed");
  }

  private setState(state: ClientState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

function ignore(): void {}
