// Counting hooks for code that sends on a socket bunwire serves (the typed protocol): each reads the connection
// pinned on the socket (one symbol read) and bumps its route's counters. A socket bunwire does not serve (a raw
// `Bun.serve` running `protocol.handle()`) has no connection: nothing is counted, nothing breaks.

import { CONNECTION, type PinnedSocket } from "./connection.ts";
import type { Logger } from "./logger.ts";
import type { Socket } from "./socket-route.ts";

type Frame = string | ArrayBufferView | ArrayBuffer;

function sizeOf(frame: Frame): number {
  return typeof frame === "string" ? frame.length : frame.byteLength;
}

/** bunwire sent `frame` on `ws` and Bun answered `result` (bytes, -1 backpressure, 0 dropped). Returns `result`. */
export function countSent(ws: Socket<any>, frame: Frame, result: number): number {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection === undefined) return result;
  const stats = connection.stats;
  // 0: Bun dropped the frame (over the backpressure limit); -1: queued, it will still go out.
  if (result === 0) {
    stats.sendDropped++;
    return result;
  }
  stats.messagesOut++;
  stats.bytesOut += sizeOf(frame);
  if (result === -1) stats.backpressure++;
  return result;
}

/** A handler on `ws` failed (a typed event's handler: the engine never sees those throws). */
export function countFailure(ws: Socket<any>, error: unknown, event: string): void {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection !== undefined) connection.stats.server.failed(connection, error, event);
}

/** A `$join` asked to recover from an offset: the history had everything missed (`true`) or could not say. */
export function countRecovery(ws: Socket<any>, recovered: boolean): void {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection === undefined) return;
  if (recovered) connection.stats.recovered++;
  else connection.stats.notRecovered++;
}

/** `ws.publish(topic, data)` made by bunwire (a typed publish through a socket): every other local subscriber got it. */
export function countPublish(ws: object, topic: string, data: unknown): void {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection === undefined) return;
  const server = connection.stats.server;
  const self = (ws as Socket).isSubscribed(topic) ? 1 : 0;
  server.published(topic, data, Math.max(0, server.subscriberCount(topic) - self));
}

/**
 * Hands an error no handler took to the engine serving `ws` (its `onError` hook, else its logger, with the route
 * and connection id). False when no bunwire engine serves `ws`: the caller then logs it itself.
 */
export function reportToEngine(ws: Socket<any>, error: unknown, event: string): boolean {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection === undefined) return false;
  connection.stats.server.report(ws, error, event);
  return true;
}

/**
 * Writes one line about `target` (a socket, or a front door publishing) to the logger of the engine behind it, with
 * the route, connection id and user when it is a socket; the console when no bunwire engine is behind it.
 */
export function logAbout(target: object, level: "warn" | "error", fields: Record<string, unknown>, msg: string): void {
  const connection = (target as PinnedSocket)[CONNECTION];
  const logger: Logger | undefined = connection?.stats.server.logger ?? (target as { engine?: { options?: { logger?: Logger } } }).engine?.options?.logger;
  if (connection !== undefined) {
    fields.route = connection.route.path;
    fields.connectionId = connection.id;
    if (connection.user !== undefined) fields.userId = connection.user.id;
  }
  if (logger === undefined) console[level](msg, ...(fields.err === undefined ? [] : [fields.err]));
  else logger[level](fields, msg);
}
