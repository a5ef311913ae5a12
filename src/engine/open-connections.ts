// The engine's one registry of open connections: one Set entry per socket, added at `open` and removed as soon
// as the socket is gone. Cluster operations (list, join, leave, disconnect) and presence find sockets here by
// topic (`ws.isSubscribed`, Bun's own bookkeeping), by user (the pinned identity) or by id, by walking the set:
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
  readonly #sockets = new Set<Socket>();

  get size(): number {
    return this.#sockets.size;
  }

  add(ws: Socket): void {
    this.#sockets.add(ws);
  }

  delete(ws: Socket): void {
    this.#sockets.delete(ws);
  }

  /** Every open socket matching `filter`, with its connection record. */
  *matching(filter: LocalFilter): Generator<[Socket, Connection]> {
    const { topic, user, serial, prefix, route } = filter;
    for (const ws of this.#sockets) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection === undefined) continue;
      if (serial !== undefined && (connection.serial !== serial || connection.policy.idPrefix !== prefix)) continue;
      if (user !== undefined && connection.user?.id !== user) continue;
      if (route !== undefined && connection.route.path !== route) continue;
      if (topic !== undefined && !ws.isSubscribed(topic)) continue;
      yield [ws, connection];
    }
  }
}
