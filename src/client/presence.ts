// Following a room's presence from the client: `client.presence(room)` asks the server (`$presence`), which
// authorises it and answers with a snapshot; then each join and leave arrives as a `$presence` event. After a
// reconnect the snapshot is taken again and the differences are reported as joins and leaves, so `members` is
// always who is in the room, one entry per user however many tabs or devices they have.

import type { PresenceEvent, PresenceMeta } from "../presence/types.ts";
import type { ClientState } from "./options.ts";
import { ClientError, closedError, RequestError } from "./errors.ts";

export type { PresenceMeta } from "../presence/types.ts";

/** Wait before asking again when the server's store was unavailable (or the request timed out) while connected. */
const RETRY_MS = 1000;

/** What a presence listener hears: someone joined or left, or a (re)synchronisation replaced the list. */
export type PresenceChange = { type: "join" | "leave"; id: string; meta: PresenceMeta } | { type: "sync" };

/** What the follows use of the client: its public surface, called untyped for the reserved `$presence` events. */
interface UntypedHost {
  readonly state: ClientState;
  request(event: string, data: unknown): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): () => void;
  onState(listener: (state: ClientState) => void): () => void;
}

/** One client's presence follows, one per room; the server is asked again after every reconnect. */
export class PresenceFollows {
  readonly #host: UntypedHost;
  readonly #rooms = new Map<string, RoomPresence>();

  /** `client`: the Client; its typed `request`/`on` are called with the reserved events. */
  constructor(client: { readonly state: ClientState }) {
    this.#host = client as unknown as UntypedHost;
    this.#host.on("$presence", (data) => {
      const event = data as PresenceEvent;
      if (event !== null && typeof event === "object") this.#rooms.get(event.topic)?.apply(event);
    });
    this.#host.onState((state) => {
      if (state === "open") {
        // After the rooms' `$join`s, which the client sends once it has announced "open": the server answers in
        // order, so the snapshot already has this user back in its rooms (no "left, joined" of oneself).
        queueMicrotask(() => {
          if (this.#host.state === "open") for (const room of this.#rooms.values()) room.sync();
        });
        return;
      }
      for (const room of this.#rooms.values()) room.disconnected(state === "closed");
    });
  }

  follow(topic: string): RoomPresence {
    if (typeof topic !== "string" || topic.length === 0) throw new ClientError("INVALID_OPTIONS", "presence(topic): topic must be a non-empty string");
    let room = this.#rooms.get(topic);
    if (room === undefined) {
      room = new RoomPresence(topic, this.#host, () => this.#rooms.delete(topic));
      this.#rooms.set(topic, room);
      if (this.#host.state === "open") room.sync();
    }
    return room;
  }
}

export class RoomPresence {
  /** Who is in the room now: user id -> metadata. */
  readonly members = new Map<string, PresenceMeta>();
  /** True while the list reflects the server's (after a snapshot, until the connection drops). */
  synced = false;
  /** Resolves with this object at the first snapshot; rejects if the server refuses (`NOT_ALLOWED`) or the client closes. */
  readonly ready: Promise<RoomPresence>;
  readonly #listeners = new Set<(change: PresenceChange, presence: RoomPresence) => void>();
  /** Events that arrive while a snapshot is on its way, applied on top of it. */
  #held: PresenceEvent[] | undefined;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** A snapshot arrived once: later ones (after a reconnect) report their differences as joins and leaves. */
  #everSynced = false;
  #settle: { resolve(room: RoomPresence): void; reject(error: Error): void } | undefined;

  constructor(readonly topic: string, private readonly host: UntypedHost, private readonly forget: () => void) {
    this.ready = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    this.ready.catch(() => {}); // a refusal is also reported to listeners; an unawaited `ready` must not be an unhandled rejection
  }

  /** Listens to joins, leaves and resynchronisations; returns the function that stops it. */
  on(listener: (change: PresenceChange, presence: RoomPresence) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Stops following (`$unpresence`); `members` stays as it was. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.forget();
    this.#listeners.clear();
    if (this.host.state === "open") await this.host.request("$unpresence", { topic: this.topic }).catch(() => {});
  }

  /** Asks for a snapshot (first follow, or after a reconnect). */
  sync(): void {
    clearTimeout(this.#retry);
    if (this.#closed) return;
    this.synced = false;
    this.#held = [];
    this.host.request("$presence", { topic: this.topic }).then(
      (ack) => this.#snapshot((ack as { members?: unknown }).members),
      (error: Error) => {
        this.#held = undefined;
        // A refusal is final; a lost connection is retried by the next reconnect, a store that is down or a
        // timeout in a moment.
        if (error instanceof RequestError && error.code !== "PRESENCE_UNAVAILABLE") return this.#refused(error);
        if (this.host.state === "open") this.#retry = setTimeout(() => this.host.state === "open" && this.sync(), RETRY_MS);
      },
    );
  }

  disconnected(closed: boolean): void {
    clearTimeout(this.#retry);
    this.synced = false;
    this.#held = undefined;
    if (closed) this.#settle?.reject(closedError("the client closed before the presence snapshot"));
  }

  /** A `$presence` event from the server. */
  apply(event: PresenceEvent): void {
    if (this.#closed) return;
    if (this.#held !== undefined) return void this.#held.push(event);
    if (event.type === "join") this.#enter(event.id, event.meta);
    else if (event.type === "leave") this.#exit(event.id);
  }

  #snapshot(list: unknown): void {
    if (this.#closed || !Array.isArray(list)) return;
    const next = new Map<string, PresenceMeta>();
    for (const member of list as { id?: unknown; meta?: PresenceMeta }[]) if (typeof member?.id === "string") next.set(member.id, member.meta ?? null);
    if (this.#everSynced) {
      // After a reconnect: the differences from what the application last saw are reported as joins and leaves.
      for (const id of [...this.members.keys()]) if (!next.has(id)) this.#exit(id);
      for (const [id, meta] of next) this.#enter(id, meta);
    } else {
      for (const [id, meta] of next) this.members.set(id, meta);
      this.#everSynced = true;
    }
    const held = this.#held ?? [];
    this.#held = undefined;
    this.synced = true;
    this.#emit({ type: "sync" });
    // Events that arrived with or after the snapshot: applying one the snapshot already shows changes nothing.
    for (const event of held) this.apply(event);
    this.#settle?.resolve(this);
  }

  #enter(id: string, meta: PresenceMeta): void {
    const known = this.members.has(id);
    this.members.set(id, meta);
    if (!known) this.#emit({ type: "join", id, meta });
  }

  #exit(id: string): void {
    const meta = this.members.get(id);
    if (meta === undefined && !this.members.has(id)) return;
    this.members.delete(id);
    this.#emit({ type: "leave", id, meta: meta ?? null });
  }

  #refused(error: Error): void {
    this.#closed = true;
    this.forget();
    this.#settle?.reject(error);
  }

  #emit(change: PresenceChange): void {
    for (const listener of [...this.#listeners]) listener(change, this);
  }
}
