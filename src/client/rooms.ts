// Topics the client asked to join, with the last offset seen on each, so a reconnect can rejoin them and
// ask the server for what was missed. A short window of recent offsets drops the duplicates a replay can
// overlap with live delivery.

import type { JoinResult } from "../protocol/envelope.ts";
const SEEN_WINDOW = 64;

export interface JoinWaiter {
  resolve(result: JoinResult): void;
  reject(error: Error): void;
}

export interface Room {
  offset: string | undefined;
  /** Whether the server has acked a join once: later joins are rejoins (reported to `onRejoin`). */
  acked: boolean;
  seen: string[];
  waiters: JoinWaiter[];
}

export class Rooms {
  readonly rooms = new Map<string, Room>();

  add(topic: string, waiter: JoinWaiter): Room {
    let room = this.rooms.get(topic);
    if (room === undefined) {
      room = { offset: undefined, acked: false, seen: [], waiters: [] };
      this.rooms.set(topic, room);
    }
    room.waiters.push(waiter);
    return room;
  }

  /** Records an event's offset; false if it was already delivered (replay overlapping live delivery). */
  record(topic: string, offset: string): boolean {
    const room = this.rooms.get(topic);
    if (room === undefined) return true;
    if (room.seen.includes(offset)) return false;
    room.seen.push(offset);
    if (room.seen.length > SEEN_WINDOW) room.seen.shift();
    room.offset = offset;
    return true;
  }

  settle(topic: string, result: JoinResult | Error): void {
    const room = this.rooms.get(topic);
    if (room === undefined) return;
    if (!(result instanceof Error)) room.acked = true;
    const waiters = room.waiters;
    room.waiters = [];
    for (const waiter of waiters) {
      if (result instanceof Error) waiter.reject(result);
      else waiter.resolve(result);
    }
  }
}
