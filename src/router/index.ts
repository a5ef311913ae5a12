// `bunwire/router`: the bun-router style front door. `new Router<ClientData>()`, then `router.serve()` or `app.use(router)`.
export { Router } from "./router.ts";
export type { RouteHandler, RouterOptions, RouterRequest, ServeOptions, UpgradeOptions, WebSocketConfig } from "./types.ts";
export type { Server } from "bun";
/** The one socket type of every entry point: Bun's own, `ws.data` loose unless you type it. */
export type { ServerWebSocket } from "../engine/index.ts";
