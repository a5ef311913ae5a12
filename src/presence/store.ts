// The presence contract every store keeps (in memory for one instance, Redis for several, Redis Cluster too), and
// how a connection becomes present: by its engine identity, `connectionOf(ws).user`. A user counts once per topic
// however many connections (tabs, devices, instances) it has there: `join` fires on its first, `leave` on its last.

import { connectionOf } from "../engine/connection.ts";
import { BunwireError } from "../engine/errors.ts";
import type { ConnectionUser } from "../engine/identity.ts";
import type { Socket } from "../engine/socket-route.ts";
import type { PresenceEvent, PresenceListener, PresenceMember, PresenceMeta } from "./types.ts";

export type { PresenceEvent, PresenceListener, PresenceMember, PresenceMeta } from "./types.ts";

/** What the typed protocol (`handle({ presence })`) and your own code need from a presence store. */
export interface PresenceStore {
  /** Marks `id` present on `topic` from this instance; several joins of one id count once until as many leaves. */
  join(topic: string, id: string, meta?: PresenceMeta): Promise<void>;
  /** Undoes one `join`. */
  leave(topic: string, id: string): Promise<void>;
  /** Everyone present on `topic` (every instance), one entry per id. */
  list(topic: string): Promise<PresenceMember[]>;
  /** Calls `listener` for every join and leave on `topic`, from any instance. Returns the function that stops it. */
  subscribe(topic: string, listener: PresenceListener): () => void;
  /** Resolves once `subscribe(topic)`'s events reach this instance (a snapshot read after it misses nothing). */
  live(topic: string): Promise<void>;
  /** Marks the connection's user present on `topic` (see `PresenceTracking.track`). */
  track(ws: Socket<any>, topic: string, meta?: PresenceMeta): Promise<void>;
  /** Undoes `track` for one topic, or for every topic the connection was tracked on (call it in `close`). */
  untrack(ws: Socket<any>, topic?: string): Promise<void>;
}

/** A user's metadata as presence shows it: everything on `connectionOf(ws).user` but its id (null when nothing). */
export function userMeta(user: ConnectionUser): PresenceMeta {
  const { id: _id, ...meta } = user;
  return Object.keys(meta).length === 0 ? null : (JSON.parse(JSON.stringify(meta)) as PresenceMeta);
}

/**
 * `track`/`untrack` by connection identity, on top of a store's `join`/`leave` by id. The topics each connection
 * is tracked on are kept by the store (a WeakMap entry for tracked connections only), so tracking twice counts
 * once and `untrack(ws)` in `close` releases them all.
 */
export abstract class PresenceTracking implements PresenceStore {
  readonly #tracked = new WeakMap<Socket<any>, Map<string, string>>();

  abstract join(topic: string, id: string, meta?: PresenceMeta): Promise<void>;
  abstract leave(topic: string, id: string): Promise<void>;
  abstract list(topic: string): Promise<PresenceMember[]>;
  abstract subscribe(topic: string, listener: PresenceListener): () => void;
  abstract live(topic: string): Promise<void>;

  /**
   * Marks the connection's user (`connectionOf(ws).user`) present on `topic` with `meta` (default: the user's own
   * metadata, everything but its id). A connection without a user throws PRESENCE_NO_USER: attach one at admission.
   */
  async track(ws: Socket<any>, topic: string, meta?: PresenceMeta): Promise<void> {
    const user = connectionOf(ws)?.user;
    if (user === undefined) {
      throw new BunwireError("PRESENCE_NO_USER", `presence.track(ws, "${topic}"): the connection has no user; admit it with { user } (or req.user on the App)`);
    }
    let topics = this.#tracked.get(ws);
    if (topics?.has(topic)) return;
    if (topics === undefined) this.#tracked.set(ws, (topics = new Map()));
    topics.set(topic, user.id);
    await this.join(topic, user.id, meta === undefined ? userMeta(user) : meta);
  }

  async untrack(ws: Socket<any>, topic?: string): Promise<void> {
    const topics = this.#tracked.get(ws);
    if (topics === undefined) return;
    const leaving = topic === undefined ? [...topics] : topics.has(topic) ? [[topic, topics.get(topic)!] as const] : [];
    for (const [name] of leaving) topics.delete(name);
    if (topics.size === 0) this.#tracked.delete(ws);
    await Promise.all(leaving.map(([name, id]) => this.leave(name, id)));
  }
}

/** The longest topic or id presence accepts; the typed protocol bounds room topics the same (src/protocol/rooms.ts). */
export const MAX_PRESENCE_NAME = 256;

/** A topic or id presence accepts: a non-empty string of at most `MAX_PRESENCE_NAME` characters. */
export function checkPresenceName(value: unknown, what: string, error: (message: string) => Error): asserts value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_PRESENCE_NAME) {
    throw error(`presence ${what} must be a non-empty string of at most ${MAX_PRESENCE_NAME} characters`);
  }
}
