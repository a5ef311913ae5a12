// Presence for clients of a typed protocol (`handle({ rooms, presence: { store } })`). A connection with a user
// that `$join`s a room is present in it until it `$leave`s or closes; a client follows a room's presence with
// `$presence { topic }` (authorised like a join, or by `follow`, and bounded like joins: topics of at most 256
// characters, at most `maxRooms` follows per connection): the ack is the snapshot, then each join and leave
// arrives as a `$presence` event. A user counts once however many tabs, devices and instances (the store counts).
// Events reach each follower from its own instance's store subscription, sent to it alone (in its own codec).

import type { ServerWebSocket } from "bun";
import type { PresenceEvent, PresenceMeta, PresenceStore } from "../presence/store.ts";

export type { PresenceOptions } from "./handle-types.ts";
import { connectionOf } from "../engine/connection.ts";
import { logAbout } from "../engine/traffic.ts";
import type { Envelope } from "./envelope.ts";
import { ProtocolError } from "./errors.ts";
import type { PresenceOptions, RoomPolicy } from "./handle-types.ts";
import { rejectInput, sendAck, sendError, sendEvent, type ProtocolSocket } from "./reply.ts";
import { checkTopic } from "./topic-name.ts";


/** The `$presence` ack: who is in the room now, one entry per user. */
export interface PresenceSnapshot {
  topic: string;
  members: { id: string; meta: PresenceMeta }[];
}

/** What rooms.ts calls: a `$join` about to be acked (awaited, so a snapshot taken after the ack shows the user), a `$leave`. */
export interface RoomPresence {
  entered(ws: ProtocolSocket, topic: string): void | Promise<void>;
  left(ws: ProtocolSocket, topic: string): void;
}

/** The dispatcher's hooks (src/protocol/dispatch.ts): the reserved events, room changes, close. */
export interface PresenceHooks extends RoomPresence {
  /** `$presence` (follow: ack with the snapshot) and `$unpresence` (stop following). */
  request(ws: ProtocolSocket, envelope: Envelope, binary: boolean): void | Promise<void>;
  /** The connection closed: it stops following and leaves every room's presence. */
  closed(ws: ProtocolSocket): void;
}

function topicOf(data: unknown): string | ProtocolError {
  if (data === null || typeof data !== "object") return new ProtocolError("INVALID_ENVELOPE", "expected data { topic: string }");
  return checkTopic((data as { topic?: unknown }).topic);
}

/**
 * Reads `handle()`'s `presence` option, once checked (handle-options.ts); undefined when it is not set. A
 * connection follows at most `maxRooms` topics, counted apart from its joins (following a room one has not joined
 * is allowed), so `maxRooms` bounds each separately.
 */
export function presenceHooks<D>(options: PresenceOptions<D> | undefined, rooms: RoomPolicy<D> | undefined, closeOnInvalid: boolean, maxRooms: number): PresenceHooks | undefined {
  if (options === undefined) return undefined;
  return new Presence(options.store, (options.follow ?? rooms ?? false) as RoomPolicy<unknown>, options.meta as PresenceOptions<unknown>["meta"], closeOnInvalid, maxRooms);
}

/** How long a follow waits for the store's event subscription before answering PRESENCE_UNAVAILABLE. */
const LIVE_TIMEOUT_MS = 3000;

function withTimeout(pending: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no event subscription within ${ms} ms`)), ms)));
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}

class Presence implements PresenceHooks {
  /** topic -> this instance's followers, and the store subscription feeding them. */
  readonly #followers = new Map<string, { sockets: Set<ProtocolSocket>; stop: () => void }>();
  /** The topics each following connection follows (for close). */
  readonly #following = new WeakMap<ProtocolSocket, Set<string>>();
  /** A store failure was logged and no store call has succeeded since: one log line per outage, not per join. */
  #storeDown = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly policy: RoomPolicy<unknown>,
    private readonly meta: PresenceOptions<unknown>["meta"],
    private readonly closeOnInvalid: boolean,
    private readonly maxFollows: number,
  ) {}

  request(ws: ProtocolSocket, envelope: Envelope, binary: boolean): void | Promise<void> {
    const topic = topicOf(envelope.data);
    if (topic instanceof ProtocolError) return rejectInput(ws, envelope.id, binary, topic, this.closeOnInvalid, envelope.event);
    if (envelope.event === "$unpresence") {
      this.#unfollow(ws, topic);
      if (envelope.id !== undefined) sendAck(ws, envelope.id, true, binary);
      return;
    }
    return this.#follow(ws, topic, envelope.id, binary);
  }

  async #follow(ws: ProtocolSocket, topic: string, id: number | undefined, binary: boolean): Promise<void> {
    const policy = this.policy;
    if (policy === false || (typeof policy === "function" && !(await policy(ws as ServerWebSocket<never>, topic)))) {
      return rejectInput(ws, id, binary, new ProtocolError("NOT_ALLOWED", `not allowed to follow the presence of "${topic}"`), this.closeOnInvalid, "$presence");
    }
    if (ws.readyState !== 1) return;
    let following = this.#following.get(ws);
    // Checked before anything is stored: each follow holds a follower set and, with Redis, a channel subscription.
    if (following !== undefined && !following.has(topic) && following.size >= this.maxFollows) {
      const error = new ProtocolError("TOO_MANY_ROOMS", `this connection already follows the presence of ${this.maxFollows} topics (handle option \`maxRooms\`); $unpresence one first`);
      return rejectInput(ws, id, binary, error, this.closeOnInvalid, "$presence");
    }
    let followers = this.#followers.get(topic);
    if (followers === undefined) {
      const sockets = new Set<ProtocolSocket>();
      // Each instance hears every event once from its store and sends it to its own followers only.
      const stop = this.store.subscribe(topic, (event: PresenceEvent) => {
        for (const follower of sockets) sendEvent(follower, "$presence", event);
      });
      this.#followers.set(topic, (followers = { sockets, stop }));
    }
    followers.sockets.add(ws);
    if (following === undefined) this.#following.set(ws, (following = new Set()));
    following.add(topic);
    let snapshot: PresenceSnapshot;
    try {
      // Live first, then the snapshot: every event after the snapshot reaches this follower. Bounded: this
      // connection's later messages wait for this one, and a store that is down must not hold them for long.
      await withTimeout(this.store.live(topic), LIVE_TIMEOUT_MS);
      snapshot = { topic, members: await this.store.list(topic) };
    } catch (error) {
      this.#unfollow(ws, topic);
      const message = `presence of "${topic}" is unavailable: ${(error as Error).message}`;
      return void (id !== undefined && sendError(ws, id, binary, { code: "PRESENCE_UNAVAILABLE", message }, "$presence"));
    }
    if (id !== undefined && ws.readyState === 1) sendAck(ws, id, snapshot, binary);
  }

  #unfollow(ws: ProtocolSocket, topic: string): void {
    const following = this.#following.get(ws);
    if (following === undefined || !following.delete(topic)) return;
    if (following.size === 0) this.#following.delete(ws);
    const followers = this.#followers.get(topic);
    if (followers === undefined || !followers.sockets.delete(ws) || followers.sockets.size > 0) return;
    this.#followers.delete(topic);
    followers.stop();
  }

  /** Only connections with a user are present (presence lists users, not connections). */
  entered(ws: ProtocolSocket, topic: string): void | Promise<void> {
    if (ws.readyState !== 1 || connectionOf(ws)?.user === undefined) return;
    // Through a promise: a `meta` function that throws is reported like a store failure, never fails the join.
    const tracked = Promise.resolve().then(() => this.store.track(ws, topic, this.meta?.(ws as ServerWebSocket<never>)));
    return this.#settle(ws, topic, tracked.then(() => void (this.#storeDown = false)));
  }

  left(ws: ProtocolSocket, topic: string): void {
    void this.#settle(ws, topic, this.store.untrack(ws, topic));
  }

  closed(ws: ProtocolSocket): void {
    const following = this.#following.get(ws);
    if (following !== undefined) for (const topic of [...following]) this.#unfollow(ws, topic);
    void this.#settle(ws, undefined, this.store.untrack(ws));
  }

  /**
   * The room event itself already succeeded: a store that is down must not fail it (it catches up when back). The
   * failure goes where a history failure goes (the serving engine's logger, else the console), once until a `track`
   * works again: a client joining in a loop must not turn each join into a stack trace.
   */
  #settle(ws: ProtocolSocket, topic: string | undefined, pending: Promise<void>): Promise<void> {
    return pending.then(
      () => undefined,
      (error: unknown) => {
        if (this.#storeDown) return;
        this.#storeDown = true;
        const where = topic === undefined ? "" : ` on topic "${topic}"`;
        logAbout(ws, "error", { err: error, code: "PRESENCE_UNAVAILABLE", topic }, `[bunwire] presence store failed${where}; said once until it works again:`);
      },
    );
  }
}
