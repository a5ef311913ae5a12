// The file-route contract: what a `ws/**/route.ts` module may export and the `ctx` its handlers receive, generic
// over the route's `ws.data` (a loose record by default, so `ws.data.room` compiles on an untyped socket).

import type { BunwireError, LooseData, MaybeDecision, Params, PublishData, ServerWebSocket } from "../engine/index.ts";

/** The one socket type of every entry point (Bun's own); `ws.data` is what `upgrade` returned as `data` (default `{}`). */
export type { ServerWebSocket } from "../engine/index.ts";

/** Per connection: the route's topic (every connection is subscribed to it) and broadcasting to it. */
export interface WebSocketContext<P extends Params = Params> {
  /**
   * The concrete path's topic: its segments joined by "-" (`/ws/custom` → "ws-custom", `/ws/room/42` →
   * "ws-room-42"), each segment with `%`, `-` and `/` percent-escaped so two different paths never share a topic
   * (`/ws/chat-admin` → "ws-chat%2Dadmin", `/ws/chat/admin` → "ws-chat-admin"). A mount prefix is not part of it.
   */
  readonly topic: string;
  /** The folder params: `ws/room/[id]/route.ts` on `/ws/room/42` gives `{ id: "42" }`. */
  readonly params: P;
  /** The concrete path this connection opened (`/ws/room/42`). */
  readonly path: string;
  /** Sends to every connection on this topic, the sender included, on every instance when a bus is set. */
  broadcast(message: PublishData, compress?: boolean): number;
  /** `broadcast(JSON.stringify(value))`. */
  broadcastJSON(value: unknown, compress?: boolean): number;
}

/**
 * What `upgrade` may answer, as on every front door: admit (`true`, `undefined`, `{ data, headers, user }`) or refuse
 * (`false` → 403, a Response >= 400). `data` becomes `ws.data` as given.
 */
export type UpgradeResult<Data = LooseData> = MaybeDecision<Data>;

/**
 * A `ws/<path>/route.ts` module: these as named exports, or one object of them as the default export
 * (`export default { onMessage(ws, message, ctx) {...} } satisfies WebSocketRouteModule<{ user: string }>`, which
 * types every handler at once), never both. Every one is optional, but at least one must be there. `Data` types
 * `ws.data` (or annotate each named export with `ServerWebSocket<{ user: string }>`).
 */
export interface WebSocketRouteModule<Data = LooseData> {
  upgrade?(req: Request, ctx: WebSocketContext): UpgradeResult<Data>;
  onOpen?(ws: ServerWebSocket<Data>, ctx: WebSocketContext): unknown;
  onMessage?(ws: ServerWebSocket<Data>, message: string | Buffer, ctx: WebSocketContext): unknown;
  /** `(ws, ctx, code, reason)`: here ctx comes before Bun's code and reason, so `onClose(ws, ctx)` reads like `onOpen`. */
  onClose?(ws: ServerWebSocket<Data>, ctx: WebSocketContext, code: number, reason: string): unknown;
  onDrain?(ws: ServerWebSocket<Data>, ctx: WebSocketContext): unknown;
  onPing?(ws: ServerWebSocket<Data>, data: Buffer, ctx: WebSocketContext): unknown;
  onPong?(ws: ServerWebSocket<Data>, data: Buffer, ctx: WebSocketContext): unknown;
  /** Receives what another handler threw; without it the error is logged and the server keeps serving. */
  onError?(ws: ServerWebSocket<Data>, error: unknown, ctx: WebSocketContext): unknown;
  /**
   * A message `messageRateLimit` with `action: "reply"` refused, instead of `onMessage`: `error` is its
   * `RATE_LIMITED` BunwireError. Without it such a message is dropped without a word.
   */
  onRejected?(ws: ServerWebSocket<Data>, message: string | Buffer, error: BunwireError, ctx: WebSocketContext): unknown;
}

export const ROUTE_EXPORTS = ["upgrade", "onOpen", "onMessage", "onClose", "onDrain", "onPing", "onPong", "onError", "onRejected"] as const;
