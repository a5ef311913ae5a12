// The one envelope dispatcher: every typed message, from `protocol.handle()` or a gateway's `@SubscribeMessage`,
// goes through this chain: decode (JSON text or MessagePack), check the envelope, validate, run, settle, then ack
// or error. Hot path per message: one parse, one Map lookup, one compiled check (check.ts), one
// handler call, one reply; nothing allocated beyond what the parser and the validator produce. Promises (async
// validators, handlers, joins) take a separate path and go back to the engine, which keeps a connection in order.

import type { Server } from "bun";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { PROTOCOL_STATS, ProtocolStats, type EventStats } from "../engine/event-stats.ts";
import { GONE, SERVED_ON, URGENT } from "../engine/socket-route.ts";
import { isThenable } from "../engine/thenable.ts";
import { countFailure, countSent } from "../engine/traffic.ts";
import { awaitsReply, socketGone, takeReply } from "./ask.ts";
import { ProtocolError } from "./errors.ts";
import type { Route } from "./route.ts";
import { compileOnce, type Idempotency } from "./once.ts";
import { keysById } from "./key-scope.ts";
import { compileCheck, Unsettled, type Check } from "./check.ts";
import { idOf, readEnvelope, Rejected, toWireIssues, type Envelope } from "./envelope.ts";
import type { ProtocolSocketHandlers, RoomPolicy } from "./handle-types.ts";
import { decodeMsgpack } from "./msgpack.ts";
import { rejectInput, sendAck, sendError, sendReply, SPEAKS_MSGPACK, toWireError, type ProtocolSocket } from "./reply.ts";
import type { PresenceHooks } from "./presence.ts";
import { join, leave, type RoomContext } from "./rooms.ts";
import { hostState, socketClosed, socketOpened, type HandleState } from "./state.ts";
import { serverSubprotocols } from "./subprotocols.ts";

export type { Route } from "./route.ts";

export interface DispatchSpec {
  readonly routes: ReadonlyMap<string, Route>;
  readonly state: HandleState;
  readonly rooms: RoomPolicy<unknown> | undefined;
  readonly closeOnInvalid: boolean;
  readonly msgpack: boolean;
  /** Requests with a key run once per key (handle option `idempotency`); undefined: keys are ignored. */
  readonly idempotency: Idempotency | undefined;
  /** Sockets join the broadcast topic and count as serving the protocol (false: a gateway without a protocol). */
  readonly broadcast: boolean;
  /** Frames no event claims (not an envelope, unknown event) go here instead of an error reply (`@OnMessage`). */
  readonly fallback: ((ws: ProtocolSocket, message: string | Buffer) => unknown) | undefined;
  /** A request-less message whose handler returns a value is answered `{ event, data }` (gateways). */
  readonly replyWithoutId: boolean;
  /** A handler threw or rejected; the error reply is already sent. */
  readonly failed: (ws: ProtocolSocket, error: unknown, event: string) => void;
  readonly open: ((ws: ProtocolSocket) => unknown) | undefined;
  readonly close: ((ws: ProtocolSocket, code: number, reason: string) => unknown) | undefined;
  /** Presence for clients (`handle({ presence })`, src/protocol/presence.ts). */
  readonly presence?: PresenceHooks;
}

const PONG = '{"event":"$pong"}';

/**
 * A route with its counters (metrics) and its compiled validation (undefined: no schema); `startedAt` below is when
 * an async step began, 0 for a synchronous answer.
 */
type Counted = Route & { readonly stats: EventStats; readonly check: Check | undefined };

export function compileDispatch(spec: DispatchSpec): ProtocolSocketHandlers<unknown> {
  const { state, closeOnInvalid, msgpack, fallback, replyWithoutId, failed } = spec;
  const stats = new ProtocolStats(state.declaration.name);
  const routes = new Map<string, Counted>();
  for (const [event, route] of spec.routes) {
    const check = route.standard === undefined ? undefined : compileCheck(route.schema, route.standard);
    routes.set(event, { ...route, stats: stats.event(route.event), check });
  }
  const userOpen = spec.open;
  const userClose = spec.close;
  const broadcast = spec.broadcast;
  const presence = spec.presence;
  const rooms: RoomContext = { rooms: spec.rooms, history: state.history, maxRooms: state.maxRooms, closeOnInvalid, presence };
  const roomsEnabled = spec.rooms !== undefined && spec.rooms !== false;

  function handlerFailed(ws: ProtocolSocket, route: Counted, id: number | undefined, binary: boolean, error: unknown, startedAt: number): void {
    // Only code and message leave the server, never a stack.
    const wire = toWireError(error, route.event);
    route.stats.errors.add(wire.code);
    if (id !== undefined) route.stats.replied(startedAt);
    countFailure(ws, error, route.event);
    sendError(ws, id, binary, wire, route.event);
    failed(ws, error, route.event);
  }

  function settled(ws: ProtocolSocket, route: Counted, id: number | undefined, binary: boolean, result: unknown, startedAt: number): void {
    if (id !== undefined) {
      route.stats.replied(startedAt);
      sendAck(ws, id, result, binary);
    }
    else if (replyWithoutId && result !== undefined) sendReply(ws, route.event, result, binary);
  }

  function run(ws: ProtocolSocket, route: Counted, value: unknown, id: number | undefined, binary: boolean, startedAt: number): void | Promise<void> {
    let result: unknown;
    try {
      result = route.handler.call(route.self, ws, value);
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error, startedAt);
    }
    if (isThenable(result)) return settle(ws, route, result, id, binary, startedAt === 0 ? performance.now() : startedAt);
    settled(ws, route, id, binary, result, startedAt);
  }

  async function settle(ws: ProtocolSocket, route: Counted, pending: PromiseLike<unknown>, id: number | undefined, binary: boolean, startedAt: number): Promise<void> {
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error, startedAt);
    }
    settled(ws, route, id, binary, result, startedAt);
  }

  // Requests with a key, when the handlers keep keys: their handler runs once per key (once.ts). A repeat is
  // answered from the record, so its latency is not a handler's: it counts in the first bucket.
  const once = spec.idempotency === undefined ? undefined : compileOnce(spec.idempotency, {
    settled: (ws, route, id, binary, result) => settled(ws, route as Counted, id, binary, result, 0),
    failed: (ws, route, id, binary, error) => handlerFailed(ws, route as Counted, id, binary, error, 0),
    reply: (ws, route, id, binary, outcome) => (outcome.error === undefined ? settled(ws, route as Counted, id, binary, outcome.ack, 0) : sendError(ws, id, binary, outcome.error, route.event)),
    toWire: toWireError,
  });

  /** `keyed`: the envelope, when it carries an idempotency key and the handlers keep keys. */
  function validated(ws: ProtocolSocket, route: Counted, outcome: StandardSchemaV1.Result<unknown>, id: number | undefined, binary: boolean, startedAt: number, keyed: Envelope | undefined): void | Promise<void> {
    if (outcome.issues !== undefined) {
      route.stats.errors.add("VALIDATION_FAILED");
      const error = new ProtocolError("VALIDATION_FAILED", `invalid data for "${route.event}"`, toWireIssues(outcome.issues));
      return rejectInput(ws, id, binary, error, closeOnInvalid, route.event);
    }
    if (keyed !== undefined) return once!(ws, route, outcome.value, id, binary, keyed);
    return run(ws, route, outcome.value, id, binary, startedAt);
  }

  async function validateAsync(ws: ProtocolSocket, route: Counted, pending: Promise<StandardSchemaV1.Result<unknown>>, id: number | undefined, binary: boolean, keyed: Envelope | undefined): Promise<void> {
    const startedAt = performance.now();
    let outcome: StandardSchemaV1.Result<unknown>;
    try {
      outcome = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error, startedAt);
    }
    return validated(ws, route, outcome, id, binary, startedAt, keyed);
  }

  /** A frame no event claims: `@OnMessage` when there is one, else the error (with whatever id could be read). */
  function unclaimed(ws: ProtocolSocket, message: string | Buffer, binary: boolean, rejected: Rejected): unknown {
    if (fallback !== undefined) return fallback(ws, message);
    stats.rejections.add(rejected.error.code);
    return rejectInput(ws, rejected.id, binary, rejected.error, closeOnInvalid, rejected.event);
  }

  function reserved(ws: ProtocolSocket, message: string | Buffer, envelope: Envelope, binary: boolean): unknown {
    switch (envelope.event) {
      case "$ping":
        countSent(ws, PONG, ws.send(PONG));
        return;
      case "$reply":
        return takeReply(ws, envelope);
      case "$join":
      case "$leave":
        // Without rooms these are nobody's events: a gateway's @OnMessage may have its own use for them.
        if (!roomsEnabled && fallback !== undefined) return fallback(ws, message);
        return envelope.event === "$join" ? join(ws, envelope.data, envelope.id, binary, rooms) : leave(ws, envelope.data, envelope.id, binary, rooms);
      case "$presence":
      case "$unpresence":
        if (presence !== undefined) return presence.request(ws, envelope, binary);
    }
    return unclaimed(ws, message, binary, unknownEvent(envelope));
  }

  const handlers: ProtocolSocketHandlers<unknown> = {
    // The engine answers the codec on the 101 from these (JSON always, MessagePack unless `msgpack: false`), so a
    // bunwire client never sends frames in a codec the route refuses.
    subprotocols: serverSubprotocols(msgpack),

    open(ws) {
      if (broadcast) {
        socketOpened(state, ws);
        if (state.broadcastTopic !== false) ws.subscribe(state.broadcastTopic);
      }
      if (userOpen !== undefined) return userOpen(ws) as void | Promise<void>;
    },

    message(socket, message) {
      const ws = socket as ProtocolSocket;
      let envelope: Envelope | Rejected;
      let binary = false;
      if (typeof message === "string") {
        envelope = parseText(message);
      } else if (msgpack) {
        binary = true;
        ws[SPEAKS_MSGPACK] = true;
        envelope = parseBinary(message);
      } else {
        // Still decoded, only to read the request id, so the client's request fails now instead of timing out.
        envelope = new Rejected(new ProtocolError("UNSUPPORTED_CODEC", "binary frames are not accepted on this route: send JSON text"), binaryId(message), undefined);
      }
      if (envelope instanceof Rejected) return unclaimed(ws, message, binary, envelope) as void | Promise<void>;

      const route = routes.get(envelope.event);
      if (route === undefined) {
        if (envelope.event.charCodeAt(0) === 36 /* "$" */) return reserved(ws, message, envelope, binary) as void | Promise<void>;
        return unclaimed(ws, message, binary, unknownEvent(envelope)) as void | Promise<void>;
      }
      route.stats.received++;
      const id = envelope.id;
      // A key: `key`, `k`, or the id on a connection keyed by ids (bunwire's client); `keys` alone is refused there.
      const keyed = once !== undefined && (envelope.key !== undefined || envelope.k !== undefined || envelope.keys !== undefined || (id !== undefined && keysById(ws))) ? envelope : undefined;
      const check = route.check;
      const value = check === undefined ? envelope.data : check(envelope.data);
      if (value instanceof Unsettled) {
        const outcome = value.outcome;
        if (isThenable(outcome)) return validateAsync(ws, route, outcome, id, binary, keyed);
        return validated(ws, route, outcome, id, binary, 0, keyed);
      }
      return keyed === undefined ? run(ws, route, value, id, binary, 0) : once!(ws, route, value, id, binary, keyed);
    },

    // The engine refused this message (rate limit with `action: "reply"`): answer its request, if it has one.
    rejected(socket, message, error) {
      const ws = socket as ProtocolSocket;
      const binary = typeof message !== "string" && msgpack;
      const read = typeof message === "string" ? parseText(message) : binary ? parseBinary(message) : undefined;
      stats.rejections.add(error.code);
      sendError(ws, read?.id, binary, { code: error.code, message: error.message }, read?.event);
    },

    // A client's reply to a server request, arriving while a handler of this connection runs: that handler may be
    // the one awaiting it, so it is taken now instead of waiting its turn. Other messages wait as usual.
    [URGENT](socket, message) {
      if (!awaitsReply(socket)) return false;
      const envelope = typeof message === "string" ? parseText(message) : msgpack ? parseBinary(message) : undefined;
      if (envelope === undefined || envelope instanceof Rejected || envelope.event !== "$reply") return false;
      void takeReply(socket, envelope);
      return true;
    },

    [GONE](socket) {
      socketGone(socket);
    },

    close(ws, code, reason) {
      socketGone(ws);
      if (broadcast) socketClosed(state);
      if (presence !== undefined) presence.closed(ws as ProtocolSocket);
      if (userClose !== undefined) return userClose(ws, code, reason) as void | Promise<void>;
    },

    [SERVED_ON](server: Server<unknown>) {
      if (broadcast) hostState(state, server);
    },
  };
  // Read by `bunwire/metrics` through the route's handlers; copied along when handlers are spread or assigned.
  return Object.assign(handlers, { [PROTOCOL_STATS]: stats });
}

function unknownEvent(envelope: Envelope): Rejected {
  return new Rejected(new ProtocolError("UNKNOWN_EVENT", `unknown event "${envelope.event}"`), envelope.id, envelope.event);
}

function parseText(text: string): Envelope | Rejected {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new Rejected(new ProtocolError("INVALID_JSON", `invalid JSON: ${(error as Error).message}`), undefined, undefined);
  }
  return readEnvelope(value);
}

function parseBinary(bytes: Uint8Array): Envelope | Rejected {
  let value: unknown;
  try {
    value = decodeMsgpack(bytes);
  } catch (error) {
    return new Rejected(new ProtocolError("INVALID_ENVELOPE", `invalid MessagePack: ${(error as Error).message}`), undefined, undefined);
  }
  return readEnvelope(value);
}

function binaryId(bytes: Uint8Array): number | undefined {
  try {
    return idOf(decodeMsgpack(bytes));
  } catch {
    return undefined;
  }
}
