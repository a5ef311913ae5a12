// What each instance does with a cluster operation, on its own open connections: the same functions answer a
// request from another instance and run directly when there is no bus. They walk the engine's registry once.

import type { ConnectionUser } from "../engine/identity.ts";
import type { LocalFilter, OpenConnections } from "../engine/open-connections.ts";
import type { Socket } from "../engine/socket-route.ts";

/** One connection as `cluster.connections()` reports it, from whichever instance holds it. */
export interface ClusterConnection {
  /** `connectionOf(ws).id`: unique across the cluster (it starts with the instance id). */
  id: string;
  /** The instance holding it (`bus.instanceId`; `"local"` without a bus). */
  instance: string;
  /** `connectionOf(ws).user`, as JSON (its id and metadata). */
  user?: ConnectionUser;
  /** The route path as registered (`/chat/:room`). */
  route: string;
  ip: string;
  openedAt: number;
  /** The topics it is subscribed to (its user topic and protocol broadcast topic included). */
  topics: string[];
  /** What `cluster.describe(ws => ...)` returned for it on its instance. */
  meta?: unknown;
}

/** Turns a socket into the metadata `connections()` reports (set with `cluster.describe`). */
export type Describe = (ws: Socket<any>) => unknown;

export interface Listing {
  connections: ClusterConnection[];
  /** More connections matched than `limit`. */
  truncated: boolean;
}

export function listLocal(open: OpenConnections, filter: LocalFilter, instance: string, limit: number, describe: Describe | undefined, report: (error: unknown) => void): Listing {
  const connections: ClusterConnection[] = [];
  for (const [ws, connection] of open.matching(filter)) {
    if (connections.length === limit) return { connections, truncated: true };
    // Built here rather than read from `connection.id`, which would keep the string on every listed connection.
    const entry: ClusterConnection = {
      id: connection.policy.idPrefix + String(connection.serial),
      instance,
      route: connection.route.path,
      ip: connection.ip ?? ws.remoteAddress,
      openedAt: connection.openedAt,
      topics: ws.subscriptions,
    };
    if (connection.user !== undefined) entry.user = connection.user;
    if (describe !== undefined) {
      try {
        const meta = describe(ws);
        if (meta !== undefined) entry.meta = meta;
      } catch (error) {
        // One connection's metadata failing must not cost the whole answer: it is listed without it.
        report(error);
      }
    }
    connections.push(entry);
  }
  return { connections, truncated: false };
}

/** Subscribes (or unsubscribes) every matching connection to `topics`; returns the connections that matched. */
export function subscribeLocal(open: OpenConnections, filter: LocalFilter, topics: readonly string[], join: boolean): Socket[] {
  // Collected first: subscribing to the filter's own topic while walking must not change what is walked.
  const sockets = [...open.matching(filter)].map(([ws]) => ws);
  for (const ws of sockets) for (const topic of topics) join ? ws.subscribe(topic) : ws.unsubscribe(topic);
  return sockets;
}

/** Closes every matching connection with `code` and `reason`; returns how many. */
export function disconnectLocal(open: OpenConnections, filter: LocalFilter, code: number, reason: string): number {
  const sockets = [...open.matching(filter)].map(([ws]) => ws);
  for (const ws of sockets) ws.close(code, reason);
  return sockets.length;
}
