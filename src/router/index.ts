// `bunwire/router`: the bun-router style front door. `new Router<ClientData>()`, then `router.serve()` or `app.use(router)`.
export { Router } from "./router.ts";
export type { RouteHandler, RouterOptions, RouterRequest, RouterWebSocket, ServeOptions, UpgradeOptions, WebSocketConfig } from "./types.ts";
export type { Server, ServerWebSocket } from "bun";
