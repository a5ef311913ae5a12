// Server entry of typed messages: `defineProtocol` with its server half (handle/emit/publish/broadcast), and
// `serverProtocol(chat)` for declarations shared with browser code. `bunwire/client` imports only `define.ts`.

export { Protocol } from "./define.ts";
export type { AckMap, AckOf, AnyProtocol, ClientEvents, ClientPayload, EventMap, ProtocolSpec, ReplyInput, ReplyMap, ReplyOutput, SchemaInput, SchemaOutput, ServerEvents, ServerPayload, ServerRequests } from "./define.ts";
export { defineProtocol, servedOn, serverProtocol, ServerProtocol } from "./server.ts";
export type { EventHandlers, HandleOptions, ProtocolSocketHandlers, PublishTarget, RoomPolicy } from "./handle-types.ts";
export { DEFAULT_MAX_ROOMS } from "./handle.ts";
export { ProtocolError, ServerRequestError } from "./errors.ts";
export type { ProtocolErrorCode, ServerRequestErrorCode, WireIssue } from "./errors.ts";
export { DEFAULT_REQUEST_TIMEOUT } from "./ask.ts";
export type { ServerRequestOptions } from "./ask.ts";
export { checkEnvelope, errorEnvelope, parseEnvelope, serializeAck, serializeError, serializeEvent, toWireIssues, withPosition } from "./envelope.ts";
export type { Envelope, JoinResult, WireError } from "./envelope.ts";
export { decodeMsgpack, encodeMsgpack, JSON_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL, LEGACY_MSGPACK_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from "./msgpack.ts";
export { chooseSubprotocol } from "./subprotocols.ts";
export { MemoryHistory } from "./memory-history.ts";
export { MemoryIdempotency } from "./memory-idempotency.ts";
export type { Claim, IdempotencyRecord, IdempotencyStore } from "./idempotency.ts";
export type { ClientKeys, MemoryIdempotencyOptions } from "./memory-idempotency.ts";
export type { IdempotencyOptions } from "./once.ts";
export type { MemoryHistoryOptions } from "./memory-history.ts";
export { sendAck, sendError, sendEvent, toWireError } from "./reply.ts";
