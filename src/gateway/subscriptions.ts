// `@SubscribeMessage` routing: JSON frames `{ event, data, id? }` go to the method of their event, the return
// value goes back as the reply. Same envelope, error codes and replies as the typed-message protocol
// (docs/PROTOCOL.md), built from its exported pieces. Frames no event claims fall through to `@OnMessage`.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ProtocolError } from "../protocol/errors.ts";
import { parseEnvelope, serializeEvent } from "../protocol/envelope.ts";
import { sendAck, sendError, toWireError, type ProtocolSocket } from "../protocol/reply.ts";
import { validatePayload, type Validated } from "../protocol/validate.ts";
import type { Socket } from "../engine/socket-route.ts";
import { isThenable } from "../engine/thenable.ts";

export interface Route {
  readonly event: string;
  readonly schema: StandardSchemaV1 | undefined;
  /** The gateway method, bound to the gateway instance once at start-up. */
  readonly handler: (ws: Socket<never>, data: unknown) => unknown;
}

export interface SubscriptionOptions {
  readonly routes: ReadonlyMap<string, Route>;
  /** The gateway's `@OnMessage`, for frames no route claims (not JSON, no envelope, unknown event). */
  readonly fallback: ((ws: Socket<never>, message: string | Buffer<ArrayBuffer>) => unknown) | undefined;
  /** The error path for a handler that threw or rejected (after the error reply was sent). */
  readonly failed: (ws: Socket<never>, error: unknown) => void;
}

const PONG = '{"event":"$pong"}';

export function subscriptionHandler(options: SubscriptionOptions): (ws: Socket<never>, message: string | Buffer<ArrayBuffer>) => unknown {
  const { routes, fallback, failed } = options;

  function handlerFailed(ws: Socket<never>, route: Route, id: number | undefined, error: unknown): void {
    // Only code and message leave the server, never a stack.
    sendError(ws as ProtocolSocket, id, false, toWireError(error), id === undefined ? route.event : undefined);
    failed(ws, error);
  }

  function reply(ws: Socket<never>, route: Route, id: number | undefined, result: unknown): void {
    if (id !== undefined) return sendAck(ws as ProtocolSocket, id, result, false);
    if (result === undefined) return;
    let frame: string;
    try {
      frame = serializeEvent(route.event, result);
    } catch (error) {
      return sendError(ws as ProtocolSocket, undefined, false, { code: "HANDLER_ERROR", message: `reply is not serialisable: ${(error as Error).message}` }, route.event);
    }
    ws.send(frame);
  }

  async function settle(ws: Socket<never>, route: Route, id: number | undefined, pending: PromiseLike<unknown>): Promise<void> {
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, error);
    }
    reply(ws, route, id, result);
  }

  function run(ws: Socket<never>, route: Route, id: number | undefined, data: unknown): void | Promise<void> {
    let result: unknown;
    try {
      result = route.handler(ws, data);
    } catch (error) {
      return handlerFailed(ws, route, id, error);
    }
    // The promise goes back to the engine, which holds this connection's next frames until it settles.
    if (isThenable(result)) return settle(ws, route, id, result);
    reply(ws, route, id, result);
  }

  function validated(ws: Socket<never>, route: Route, id: number | undefined, outcome: Validated<unknown>): void | Promise<void> {
    if (!outcome.ok) return sendError(ws as ProtocolSocket, id, false, outcome.error);
    return run(ws, route, id, outcome.value);
  }

  async function validateAsync(ws: Socket<never>, route: Route, id: number | undefined, pending: Promise<Validated<unknown>>): Promise<void> {
    let outcome: Validated<unknown>;
    try {
      outcome = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, error);
    }
    return validated(ws, route, id, outcome);
  }

  function refuse(ws: Socket<never>, message: string | Buffer<ArrayBuffer>, id: number | undefined, error: ProtocolError): unknown {
    if (fallback !== undefined) return fallback(ws, message);
    sendError(ws as ProtocolSocket, id, false, error);
  }

  return (ws, message) => {
    if (typeof message !== "string") {
      return refuse(ws, message, undefined, new ProtocolError("UNSUPPORTED_CODEC", "binary frames are not accepted by this gateway: send JSON text { event, data, id? }"));
    }
    const envelope = parseEnvelope(message);
    if (envelope instanceof ProtocolError) return refuse(ws, message, undefined, envelope);
    const route = routes.get(envelope.event);
    if (route === undefined) {
      // The bunwire client's heartbeat.
      if (envelope.event === "$ping") return void ws.send(PONG);
      return refuse(ws, message, envelope.id, new ProtocolError("UNKNOWN_EVENT", `unknown event "${envelope.event}"`));
    }
    if (route.schema === undefined) return run(ws, route, envelope.id, envelope.data);
    const outcome = validatePayload(route.schema, envelope.data, route.event);
    if (outcome instanceof Promise) return validateAsync(ws, route, envelope.id, outcome);
    return validated(ws, route, envelope.id, outcome);
  };
}
