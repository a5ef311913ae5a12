// Server entry of typed messages: defineProtocol plus the server half (handle/emit/publish/broadcast),
// installed here so that `bunwire/client` can share `define.ts` without bundling any server code.

import { installProtocolServer, type HandleOptions } from "./define.ts";
import { createHandlers } from "./dispatch.ts";
import { broadcastEvent, publishEvent } from "./publish.ts";
import { sendEvent } from "./reply.ts";

installProtocolServer({
  handle: (protocol, handlers, options) => createHandlers(protocol, handlers, options as HandleOptions<unknown>),
  emit: sendEvent,
  publish: publishEvent,
  broadcast: broadcastEvent,
});

export { defineProtocol, Protocol } from "./define.ts";
export type {
  AckMap,
  AckOf,
  AnyProtocol,
  ClientEvents,
  ClientPayload,
  EventHandlers,
  EventMap,
  HandleOptions,
  ProtocolSocketHandlers,
  ProtocolSpec,
  PublishTarget,
  SchemaInput,
  SchemaOutput,
  ServerEvents,
  ServerPayload,
} from "./define.ts";
export { ProtocolError } from "./errors.ts";
export type { ProtocolErrorCode, WireIssue } from "./errors.ts";
export { checkEnvelope, errorEnvelope, parseEnvelope, serializeAck, serializeError, serializeEvent, toWireIssues, withOffset } from "./envelope.ts";
export type { Envelope, JoinResult, WireError } from "./envelope.ts";
export { decodeMsgpack, encodeMsgpack, JSON_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from "./msgpack.ts";
export { MemoryHistory } from "./memory-history.ts";
export type { MemoryHistoryOptions } from "./memory-history.ts";
export { validatePayload } from "./validate.ts";
export type { Validated } from "./validate.ts";
export { sendAck, sendError, sendEvent, toWireError } from "./reply.ts";
