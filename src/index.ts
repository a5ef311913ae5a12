// `bunwire`: the Express-style App, its middleware, and the engine types every front door shares.
export * from "./app/index.ts";
export { BunwireError, connectionOf, contextOf, isBunwireError, paramsOf } from "./engine/index.ts";
export type { Bus, BunwireErrorCode, ErrorHook, ErrorSource, Params, PublishData, ServerWebSocket, WebSocketOptions } from "./engine/index.ts";
// The one option set, admission decisions and connection identity, shared by every front door.
export type {
  AdmitDecision,
  AllowedOrigins,
  CloseOptions,
  ConnectionInfo,
  ConnectionUser,
  Decision,
  ListenOptions,
  Logger,
  MaybeDecision,
  MessageRateLimit,
  RouteLimits,
  ServerOptions,
  TrustProxy,
  UserInit,
} from "./engine/index.ts";
// Typed messages: declare a protocol once, `protocol.handle({...})` on any route, the same type on the client.
export { chooseSubprotocol, defineProtocol, MemoryHistory, MemoryIdempotency, Protocol, ProtocolError, servedOn, serverProtocol, ServerProtocol, ServerRequestError } from "./protocol/index.ts";
export type {
  AckOf, AnyProtocol, Claim, ClientEvents, EventHandlers, HandleOptions, IdempotencyOptions, IdempotencyRecord, IdempotencyStore, MemoryHistoryOptions,
  MemoryIdempotencyOptions, ProtocolErrorCode, ProtocolSocketHandlers, PublishTarget, ReplyInput, ReplyOutput, ServerEvents, ServerRequestErrorCode, ServerRequestOptions,
  ServerRequests, WireIssue,
} from "./protocol/index.ts";
export type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "./engine/index.ts";
