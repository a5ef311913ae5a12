// `bunwire`: the Express-style App, its middleware, and the engine types every front door shares.
export * from "./app/index.ts";
export { BunwireError, contextOf, paramsOf } from "./engine/index.ts";
export type { Bus, BunwireErrorCode, ErrorHook, ErrorSource, Params, PublishData, WebSocketOptions } from "./engine/index.ts";
