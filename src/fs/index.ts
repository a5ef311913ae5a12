// `bunwire/fs`: file routes. `await fileRoutes("./app")` serves `app/ws/**/route.ts` (raw handlers with a per-path
// topic and `ctx`) and `app/sockets/**/route.ts` (typed protocols); mount it with `app.use(...)` or `listen()`.
export { fileRoutes } from "./file-routes.ts";
export type { FileRoutes, FileRoutesOptions, ServedRoute } from "./front-door.ts";
export { RouteFileError } from "./errors.ts";
export type { RouteFileProblem } from "./errors.ts";
export type { ServerWebSocket, UpgradeResult, WebSocketContext, WebSocketRouteModule } from "./types.ts";
