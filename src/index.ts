// `bunwire`: the Express-style App, its middleware, and the engine types every front door shares.
export * from "./app/index.ts";
export { BunwireError, contextOf, paramsOf } from "./engine/index.ts";
export type { Bus, BunwireErrorCode, ErrorHook, ErrorSource, Params, PublishData, WebSocketOptions } from "./engine/index.ts";
// Typed messages: declare a protocol once, `protocol.handle({...})` on any route, the same type on the client.
export { defineProtocol, MemoryHistory, Protocol, ProtocolError, servedOn, serverProtocol, ServerProtocol } from "./protocol/index.ts";
export type { AckOf, AnyProtocol, ClientEvents, EventHandlers, HandleOptions, MemoryHistoryOptions, ProtocolErrorCode, ProtocolSocketHandlers, PublishTarget, ServerEvents, WireIssue } from "./protocol/index.ts";
export type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "./engine/index.ts";
