// Topics the client joined, each with the position of the last event delivered (offset and sequence number), so
// a reconnect can rejoin them and ask the server for what was missed. Events of a topic with a history carry
// consecutive sequence numbers: a number already delivered is a duplicate (a replay overlapping live delivery) and
// is dropped; a number ahead of the next one waits, in order, until the missing ones arrive, by replay or late
// live delivery. A gap that stays open for `gapTimeout` is recovered by rejoining from the last offset, so the
// application sees every event once, in order, instead of silently skipping; when the history cannot fill it
// (`recovered: false`), the events that waited are delivered all the same and the app is told to resync.
// An event the history could not record has no number; it says which position it was published after (`after`),
// and is dropped once the history has placed the client past that position (docs/PROTOCOL.md).

import type { JoinResult } from "../protocol/envelope.ts";
import type { SavedOffsets } from "./saved-offsets.ts";

/** Events waiting for a gap to close are bounded; past this the topic is rejoined and the waiting ones dropped. */
const MAX_HELD = 10_000;

export interface JoinWaiter {
  resolve(result: JoinResult): void;
  reject(error: Error): void;
}

/** A decoded server event on a topic with a history. */
export interface Positioned {
  topic: string;
  offset: string;
  seq: number;
}

export interface Room {
  offset: string | undefined;
  /** The sequence number of the last event delivered; undefined until the first join (or event) says. */
  seq: number | undefined;
  /**
   * The furthest position the history itself placed the client at: a join's ack, or an event delivered while a join
   * was in flight (its replay). Live events alone do not move it: they may come from instances whose positions the
   * publisher of an unrecorded event had not seen, and that event is no older than them.
   */
  anchor: number | undefined;
  /** Whether the server has acked a join once: later joins are rejoins (reported to `onRejoin`). */
  acked: boolean;
  /** A `$join` is in flight: events that arrive ahead of their turn wait for its replay. */
  joining: boolean;
  /** Events ahead of `seq + 1`, by sequence number. */
  held: Map<number, Positioned> | undefined;
  gapTimer: ReturnType<typeof setTimeout> | undefined;
  waiters: JoinWaiter[];
}

export interface RoomHooks {
  /** Hands one event to the application's listeners. */
  deliver(message: Positioned): void;
  /** A gap did not close by itself: rejoin `topic` from its last offset. */
  recover(topic: string): void;
  readonly gapTimeout: number;
  /** Positions kept across page reloads (option `persistOffsets`). */
  readonly saved: SavedOffsets | undefined;
}

export class Rooms {
  readonly rooms = new Map<string, Room>();

  constructor(private readonly hooks: RoomHooks) {}

  add(topic: string, waiter: JoinWaiter): Room {
    let room = this.rooms.get(topic);
    if (room === undefined) {
      // A position saved before a page reload: the first join resumes from it and the server replays the rest.
      const saved = this.hooks.saved?.load(topic);
      room = { offset: saved?.offset, seq: saved?.seq, anchor: undefined, acked: false, joining: false, held: undefined, gapTimer: undefined, waiters: [] };
      this.rooms.set(topic, room);
    }
    room.waiters.push(waiter);
    return room;
  }

  delete(topic: string): void {
    const room = this.rooms.get(topic);
    if (room !== undefined) clearTimeout(room.gapTimer);
    this.rooms.delete(topic);
    this.hooks.saved?.remove(topic);
  }

  /** Takes an event of a topic with a history; false when the topic is not joined (the caller delivers it). */
  receive(message: Positioned): boolean {
    const room = this.rooms.get(message.topic);
    if (room === undefined) return false;
    const seq = message.seq;
    if (room.seq === undefined) {
      // Before the join's ack says where the topic stands, nothing can be placed: wait for it.
      if (room.joining) {
        this.hold(room, message);
        return true;
      }
      room.seq = seq - 1;
    }
    if (seq <= room.seq) return true;
    if (seq === room.seq + 1) {
      this.deliver(room, message);
      this.drain(room);
    } else {
      this.hold(room, message);
      if (!room.joining) this.armGap(room, message.topic);
    }
    return true;
  }

  /** A `$join` for `topic` is on its way (first join, rejoin, or gap recovery). */
  joining(topic: string): Room | undefined {
    const room = this.rooms.get(topic);
    if (room === undefined) return undefined;
    room.joining = true;
    clearTimeout(room.gapTimer);
    room.gapTimer = undefined;
    return room;
  }

  /** The server acked the join: its replay (sent before the ack) is in; place what waited. */
  joined(topic: string, result: JoinResult): void {
    const room = this.rooms.get(topic);
    if (room === undefined) return;
    room.joining = false;
    room.acked = true;
    const held = room.held;
    const last = room.seq;
    if (!result.recovered && last !== undefined && held !== undefined && held.size > 0) {
      // A failed recovery replays nothing, and never will: the live events that came while the gap was open, past the
      // last one delivered, go to the app now, in order, gaps and all, rather than being dropped. Up to the topic's
      // position; all of them when it is unknown (the history is down) or behind them (a new history numbers anew).
      this.flush(room, result.seq === undefined || result.seq < last ? Infinity : result.seq);
    }
    // A first join starts at the topic's position; a failed recovery restarts there (the app resyncs). A recovered
    // rejoin keeps its own: the replay has advanced it, and a later live copy of a replayed event is a duplicate.
    if (result.seq !== undefined) placed(room, result.seq);
    if (result.seq !== undefined && (last === undefined || !result.recovered)) {
      room.seq = result.seq;
      room.offset = result.offset;
      if (result.offset !== undefined) this.hooks.saved?.save(topic, result.offset, result.seq);
    }
    if (held !== undefined && held.size > 0) {
      if (room.seq === undefined) room.seq = Math.min(...held.keys()) - 1;
      for (const seq of held.keys()) if (seq <= room.seq) held.delete(seq);
      this.drain(room);
      if (held.size > 0) this.armGap(room, topic);
    }
  }

  /**
   * An event published after position `after` that its history could not record: true when it is older than where
   * the history has since placed the client on `topic` (the `recovered: false` the client was told covers it).
   */
  outdated(topic: string, after: number): boolean {
    const anchor = this.rooms.get(topic)?.anchor;
    return anchor !== undefined && anchor > after;
  }

  /** The join failed without a reply (timeout): stop waiting for its replay. */
  joinFailed(topic: string): void {
    const room = this.rooms.get(topic);
    if (room === undefined) return;
    room.joining = false;
    if (room.held !== undefined && room.held.size > 0) this.armGap(room, topic);
  }

  /** The connection dropped: gap timers stop, the rejoin after reconnecting recovers what is missing. */
  disconnected(): void {
    for (const room of this.rooms.values()) {
      clearTimeout(room.gapTimer);
      room.gapTimer = undefined;
    }
  }

  settle(topic: string, result: JoinResult | Error): void {
    const room = this.rooms.get(topic);
    if (room === undefined) return;
    const waiters = room.waiters;
    room.waiters = [];
    for (const waiter of waiters) {
      if (result instanceof Error) waiter.reject(result);
      else waiter.resolve(result);
    }
  }

  private deliver(room: Room, message: Positioned): void {
    if (room.joining) placed(room, message.seq);
    room.seq = message.seq;
    room.offset = message.offset;
    this.hooks.saved?.save(message.topic, message.offset, message.seq);
    this.hooks.deliver(message);
  }

  /** Delivers the held events numbered up to `limit`, in order, whatever numbers are missing between them. */
  private flush(room: Room, limit: number): void {
    const held = room.held!;
    const due = [...held.keys()].filter((seq) => seq <= limit).sort((a, b) => a - b);
    for (const seq of due) {
      this.deliver(room, held.get(seq)!);
      held.delete(seq);
    }
  }

  /** Delivers the held events that have become next in line. */
  private drain(room: Room): void {
    const held = room.held;
    if (held === undefined) return;
    for (let next = held.get(room.seq! + 1); next !== undefined; next = held.get(room.seq! + 1)) {
      held.delete(next.seq);
      this.deliver(room, next);
    }
    if (held.size === 0) {
      clearTimeout(room.gapTimer);
      room.gapTimer = undefined;
    }
  }

  private hold(room: Room, message: Positioned): void {
    const held = (room.held ??= new Map());
    if (held.size >= MAX_HELD) {
      // Too far behind to wait: rejoin from the last delivered offset; the replay brings these again.
      held.clear();
      if (!room.joining) this.hooks.recover(message.topic);
      return;
    }
    held.set(message.seq, message);
  }

  private armGap(room: Room, topic: string): void {
    if (room.gapTimer !== undefined) return;
    room.gapTimer = setTimeout(() => {
      room.gapTimer = undefined;
      if (!room.joining && room.held !== undefined && room.held.size > 0) this.hooks.recover(topic);
    }, this.hooks.gapTimeout);
  }
}

/** The history placed the client at `seq` (a join's position, a replayed event). */
function placed(room: Room, seq: number): void {
  if (room.anchor === undefined || seq > room.anchor) room.anchor = seq;
}
