// The engine's public surface for front doors (not a user-facing subpath).
export { Engine, isUpgradeRequest, logError } from "./engine.ts";
export type { EngineOptions, ErrorHook, ErrorSource, ListenOptions, PublishData, WebSocketOptions } from "./engine.ts";
export { BunwireError } from "./errors.ts";
export type { BunwireErrorCode } from "./errors.ts";
export { contextOf, paramsOf } from "./connection.ts";
export { compilePattern, normalizePath, pathnameOf } from "./path-pattern.ts";
export type { Params, PathPattern } from "./path-pattern.ts";
export { RouteTable } from "./route-table.ts";
export type { RouteMatch } from "./route-table.ts";
export { SERVED_ON, UPGRADED } from "./socket-route.ts";
export { isThenable } from "./thenable.ts";
export type { Admission, Grant, Socket, SocketHandlers, SocketRoute } from "./socket-route.ts";
export { MOUNT, isMountable, joinPaths } from "./mount.ts";
export type { FetchHandler, Mountable, MountTarget } from "./mount.ts";
export type { Bus, BusDeliver, BusPayload } from "./bus.ts";
export type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "./history.ts";
