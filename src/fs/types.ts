// The file-route contract: what a `ws/**/route.ts` module may export and the `ctx` its handlers receive.

import type { Decision, MaybeDecision, Params, PublishData, ServerWebSocket } from "../engine/index.ts";

/** The one socket type of every entry point (Bun's own); `ws.data` is what `upgrade` returned as `data` (default `{}`). */
export type { ServerWebSocket } from "../engine/index.ts";

/** Per connection: the route's topic (every connection is subscribed to it) and broadcasting to it. */
export interface WebSocketContext<P extends Params = Params> {
  /** The concrete path joined by "-": `/ws/custom` → "ws-custom", `/ws/room/42` → "ws-room-42". */
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
 * (`false` → 403, a Response >= 400).
 */
export type UpgradeResult = Decision;

/** A `ws/<path>/route.ts` module. Every export is optional, but at least one handler must be there. */
export interface WebSocketRouteModule {
  upgrade?(req: Request, ctx: WebSocketContext): MaybeDecision;
  onOpen?(ws: ServerWebSocket<any>, ctx: WebSocketContext): unknown;
  onMessage?(ws: ServerWebSocket<any>, message: string | Buffer, ctx: WebSocketContext): unknown;
  onClose?(ws: ServerWebSocket<any>, ctx: WebSocketContext, code: number, reason: string): unknown;
  onDrain?(ws: ServerWebSocket<any>, ctx: WebSocketContext): unknown;
  onPing?(ws: ServerWebSocket<any>, data: Buffer, ctx: WebSocketContext): unknown;
  onPong?(ws: ServerWebSocket<any>, data: Buffer, ctx: WebSocketContext): unknown;
  /** Receives what another handler threw; without it the error is logged and the server keeps serving. */
  onError?(ws: ServerWebSocket<any>, error: unknown, ctx: WebSocketContext): unknown;
}

export const ROUTE_EXPORTS = ["upgrade", "onOpen", "onMessage", "onClose", "onDrain", "onPing", "onPong", "onError"] as const;
