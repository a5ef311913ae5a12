// `bunwire`: the Express-style App, its middleware, and the engine types every front door shares.
export * from "./app/index.ts";
export { BunwireError, connectionOf, contextOf, isBunwireError, paramsOf } from "./engine/index.ts";
// Cluster-wide operations (`app.cluster`), sending to a user wherever connected, presence (docs/SCALING.md).
export { sendToUser, userTopic } from "./engine/open-connections.ts";
export type { TopicPublisher } from "./engine/open-connections.ts";
export type * from "./cluster/index.ts";
export { memoryPresence, MemoryPresence } from "./presence/memory.ts";
export type { MemoryPresenceOptions } from "./presence/memory.ts";
export { PresenceTracking } from "./presence/store.ts";
export type { PresenceEvent, PresenceListener, PresenceMember, PresenceMeta, PresenceStore } from "./presence/store.ts";
export type { PresenceOptions, PresenceSnapshot } from "./protocol/presence.ts";
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
  ClientKeys, MemoryIdempotencyOptions, ProtocolErrorCode, ProtocolSocketHandlers, PublishTarget, ReplyInput, ReplyOutput, ServerEvents, ServerRequestErrorCode, ServerRequestOptions,
  ServerRequests, WireIssue,
} from "./protocol/index.ts";
export type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "./engine/index.ts";
