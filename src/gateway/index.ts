// `bunwire/gateway`: decorator-style WebSocket gateways with dependency injection, on the shared engine.
// Needs `experimentalDecorators` and `emitDecoratorMetadata` in tsconfig.json; brings its own reflect-metadata.

import "reflect-metadata";

export { Application } from "./application.ts";
export type { ApplicationOptions } from "./application.ts";
export { Injectable, Module, OnClose, OnDrain, OnError, OnMessage, OnOpen, OnPing, OnPong, OnRejected, OnUpgrade, SubscribeMessage, WebSocketGateway } from "./decorators.ts";
export type { GatewayClassDecorator, GatewayMethodDecorator } from "./decorators.ts";
export type { GatewayOptions } from "./subscriptions.ts";
export { WebSocketGatewayRegistry } from "./registry.ts";
export type { Class, MaybeUpgradeDecision, ModuleOptions, Provider, ServerWebSocket, UpgradeDecision, WebSocketConnectionData } from "./types.ts";
export { BunwireError } from "../engine/errors.ts";
export { paramsOf } from "../engine/connection.ts";
