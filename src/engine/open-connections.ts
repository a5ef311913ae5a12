// The engine's one registry of open connections: one entry per socket, added at `open` and removed as soon
// as the socket is gone. Cluster operations (list, join, leave, disconnect) and presence find sockets here by
// topic (`ws.isSubscribed`, Bun's own bookkeeping), by user (the pinned identity) or by id, by walking the list:
// no index per user or topic, so a connection costs nothing more than its entry. Also the user topic every
// connection with a user subscribes to, so `sendToUser` reaches it on every instance.

import { CONNECTION, type Connection, type PinnedSocket } from "./connection.ts";
import type { Socket } from "./socket-route.ts";

/** The topic a user's connections are subscribed to (`$` topics are bunwire's: clients cannot `$join` them). */
export function userTopic(userId: string): string {
  return `$user:${userId}`;
}

/** Anything that publishes to a topic across instances: a front door (`app.publish`) or a server plus bus. */
export interface TopicPublisher {
  publish(topic: string, data: string | Uint8Array, compress?: boolean): unknown;
}

/**
 * Sends `data` to every connection of `userId` (`connectionOf(ws).user.id`), on every instance (objects are sent
 * as JSON). Each connection admitted with a user is subscribed to `userTopic(id)`, so the message crosses the bus
 * once and reaches only the instances where that user has connections.
 */
export function sendToUser(target: TopicPublisher, userId: string, data: string | Uint8Array | object): void {
  const payload = typeof data === "string" || data instanceof Uint8Array ? data : JSON.stringify(data);
  target.publish(userTopic(userId), payload);
}

/** Which local connections an operation applies to; every field given must match. */
export interface LocalFilter {
  topic?: string;
  user?: string;
  /** The connection's serial number and id prefix, parsed from its id (no id string is built to compare). */
  serial?: number;
  prefix?: string;
  route?: string;
}

export class OpenConnections {
  // An array with each socket's index on its connection record (`slot`), not a Set: a Set entry costs about 80
  // bytes of heap per open socket, this costs one array slot and one field (issue 16: bytes per idle connection).
  readonly #sockets: Socket[] = [];

  get size(): number {
    return this.#sockets.length;
  }

  /** `ws` has its connection record pinned (dispatch's `open` pins it first). */
  add(ws: Socket): void {
    const connection = (ws as PinnedSocket)[CONNECTION];
    if (connection.slot !== -1) return;
    connection.slot = this.#sockets.length;
    this.#sockets.push(ws);
  }

  delete(ws: Socket): void {
    const connection = (ws as PinnedSocket)[CONNECTION];
    const at = connection?.slot ?? -1;
    if (at === -1 || this.#sockets[at] !== ws) return;
    // the last socket moves into the hole: O(1), and the array stays dense
    const last = this.#sockets.pop()!;
    if (last !== ws) {
      this.#sockets[at] = last;
      (last as PinnedSocket)[CONNECTION].slot = at;
    }
    connection!.slot = -1;
  }

  /** Every open socket matching `filter`, with its connection record. */
  *matching(filter: LocalFilter): Generator<[Socket, Connection]> {
    const { topic, user, serial, prefix, route } = filter;
    // a copy: an operation on one socket (disconnect) may remove sockets while this walks; those are skipped
    for (const ws of this.#sockets.slice()) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection === undefined || connection.slot === -1) continue;
      if (serial !== undefined && (connection.serial !== serial || connection.policy.idPrefix !== prefix)) continue;
      if (user !== undefined && connection.user?.id !== user) continue;
      if (route !== undefined && connection.route.path !== route) continue;
      if (topic !== undefined && !ws.isSubscribed(topic)) continue;
      yield [ws, connection];
    }
  }
}
