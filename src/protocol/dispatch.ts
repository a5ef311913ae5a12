// `protocol.handle(handlers)`: turns a map of typed event handlers into plain WebSocket handlers.
// Hot path per message: one parse, one Map lookup, one `~standard.validate` (sync fast path), one handler call,
// one reply. Nothing is allocated per message beyond what JSON.parse and the validator produce; async work
// (promises from validators or handlers) takes a separate path and its promise is returned to the engine,
// which awaits a connection's messages in order.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { AnyProtocol, HandleOptions, ProtocolSocketHandlers } from "./define.ts";
import { ProtocolError } from "./errors.ts";
import { checkEnvelope, parseEnvelope, toWireIssues, type Envelope } from "./envelope.ts";
import { decodeMsgpack } from "./msgpack.ts";
import { configureProtocol, DEFAULT_BROADCAST_TOPIC } from "./publish.ts";
import { rejectInput, sendAck, sendError, SPEAKS_MSGPACK, toWireError, type ProtocolSocket } from "./reply.ts";
import { join, leave, type RoomContext } from "./rooms.ts";
import { isThenable } from "../engine/thenable.ts";

type Handler = (this: object, ws: ProtocolSocket, data: unknown) => unknown;

interface Route {
  readonly event: string;
  /** The schema's `~standard` props: `validate` is called on it, as a library may rely on `this`. */
  readonly standard: StandardSchemaV1["~standard"];
  readonly handler: Handler;
}

const PONG = '{"event":"$pong"}';

export function createHandlers(protocol: AnyProtocol, handlers: object, options: HandleOptions<unknown>): ProtocolSocketHandlers<unknown> {
  const table = new Map<string, Route>();
  for (const event of Object.keys(protocol.client)) {
    const handler = (handlers as Record<string, unknown>)[event];
    // An inherited Object.prototype method (an event named "toString") is not a handler the user wrote.
    if (typeof handler !== "function" || handler === (Object.prototype as Record<string, unknown>)[event]) throw new ProtocolError("INVALID_PROTOCOL", `handle(): no handler for client event "${event}"`);
    const schema = protocol.client[event] as StandardSchemaV1;
    table.set(event, { event, standard: schema["~standard"], handler: handler as Handler });
  }
  for (const key of Object.keys(handlers)) {
    if (!table.has(key)) throw new ProtocolError("INVALID_PROTOCOL", `handle(): "${key}" is not a client event of this protocol`);
  }

  const closeOnInvalid = options.invalid === "close";
  const acceptMsgpack = options.msgpack !== false;
  const onError = options.onError ?? ((_ws, error, event) => console.error(`[bunwire] handler for "${event}" threw:`, error));
  const broadcastTopic = options.broadcastTopic ?? DEFAULT_BROADCAST_TOPIC;
  configureProtocol(protocol, options.history, broadcastTopic);
  const rooms: RoomContext = { rooms: options.rooms, history: options.history, closeOnInvalid };
  const userOpen = options.open;
  const userClose = options.close;

  function handlerFailed(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, error: unknown): void {
    onError(ws, error, route.event);
    // The stack never leaves the server: only code and message.
    sendError(ws, id, binary, toWireError(error), id === undefined ? route.event : undefined);
  }

  function run(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean): void | Promise<void> {
    let result: unknown;
    try {
      result = route.handler.call(handlers, ws, value);
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error);
    }
    if (isThenable(result)) return settle(ws, route, result, id, binary);
    if (id !== undefined) sendAck(ws, id, result, binary);
  }

  async function settle(ws: ProtocolSocket, route: Route, pending: PromiseLike<unknown>, id: number | undefined, binary: boolean): Promise<void> {
    let result: unknown;
    try {
      result = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error);
    }
    if (id !== undefined) sendAck(ws, id, result, binary);
  }

  function validated(ws: ProtocolSocket, route: Route, outcome: StandardSchemaV1.Result<unknown>, id: number | undefined, binary: boolean): void | Promise<void> {
    if (outcome.issues !== undefined) {
      const error = new ProtocolError("VALIDATION_FAILED", `invalid data for "${route.event}"`, toWireIssues(outcome.issues));
      return rejectInput(ws, id, binary, error, closeOnInvalid);
    }
    return run(ws, route, outcome.value, id, binary);
  }

  async function validateAsync(ws: ProtocolSocket, route: Route, pending: Promise<StandardSchemaV1.Result<unknown>>, id: number | undefined, binary: boolean): Promise<void> {
    let outcome: StandardSchemaV1.Result<unknown>;
    try {
      outcome = await pending;
    } catch (error) {
      return handlerFailed(ws, route, id, binary, error);
    }
    return validated(ws, route, outcome, id, binary);
  }

  function reserved(ws: ProtocolSocket, envelope: Envelope, binary: boolean): void | Promise<void> {
    switch (envelope.event) {
      case "$ping":
        ws.send(PONG);
        return;
      case "$join":
        return join(ws, envelope.data, envelope.id, binary, rooms);
      case "$leave":
        return leave(ws, envelope.data, envelope.id, binary, rooms);
    }
    return rejectInput(ws, envelope.id, binary, new ProtocolError("UNKNOWN_EVENT", `unknown event "${envelope.event}"`), closeOnInvalid);
  }

  return {
    open(ws) {
      ws.subscribe(broadcastTopic);
      if (userOpen !== undefined) return userOpen(ws);
    },

    message(socket, message) {
      const ws = socket as ProtocolSocket;
      let envelope: Envelope | ProtocolError;
      let binary = false;
      if (typeof message === "string") {
        envelope = parseEnvelope(message);
      } else if (acceptMsgpack) {
        binary = true;
        ws[SPEAKS_MSGPACK] = true;
        try {
          envelope = checkEnvelope(decodeMsgpack(message));
        } catch (error) {
          envelope = new ProtocolError("INVALID_ENVELOPE", `invalid MessagePack: ${(error as Error).message}`);
        }
      } else {
        envelope = new ProtocolError("UNSUPPORTED_CODEC", "binary frames are not accepted on this route: send JSON text");
      }
      if (envelope instanceof ProtocolError) return rejectInput(ws, undefined, binary, envelope, closeOnInvalid);

      const id = envelope.id;
      const route = table.get(envelope.event);
      if (route === undefined) {
        if (envelope.event.charCodeAt(0) === 36 /* "$" */) return reserved(ws, envelope, binary);
        return rejectInput(ws, id, binary, new ProtocolError("UNKNOWN_EVENT", `unknown event "${envelope.event}"`), closeOnInvalid);
      }
      const outcome = route.standard.validate(envelope.data);
      if (outcome instanceof Promise) return validateAsync(ws, route, outcome, id, binary);
      return validated(ws, route, outcome, id, binary);
    },

    close(ws, code, reason) {
      if (userClose !== undefined) return userClose(ws, code, reason);
    },
  };
}
