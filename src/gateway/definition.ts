// A gateway class checked as a whole: its path compiles, its decorators were used correctly, its methods exist.
// Runs at registration (`register`, `registerModule`), so misuse fails before anything listens.

import { BunwireError } from "../engine/errors.ts";
import { compilePattern } from "../engine/path-pattern.ts";
import { findRecord, gatewayMethods, firstHandlerMethod, type ClassRecord, type Subscription } from "./metadata.ts";
import type { GatewayOptions } from "./subscriptions.ts";
import type { Class } from "./types.ts";

export interface GatewayDefinition {
  readonly cls: Class;
  readonly path: string;
  readonly lifecycle: ClassRecord["lifecycle"];
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  /** `@WebSocketGateway(path, options)`: typed-message options for its `@SubscribeMessage` dispatch. */
  readonly options: GatewayOptions | undefined;
}

export function isGateway(cls: unknown): cls is Class {
  return typeof cls === "function" && findRecord(cls as Class)?.gatewayPath !== undefined;
}

/** Throws when a class carries handler decorators but no @WebSocketGateway (they would never run). */
export function assertNotStrayHandlers(cls: Class, where: string): void {
  const method = firstHandlerMethod(cls);
  if (method !== undefined && findRecord(cls)?.gatewayPath === undefined) {
    throw new BunwireError("INVALID_HANDLER", `${cls.name}.${method} has a gateway handler decorator but ${cls.name} has no @WebSocketGateway("/path") (${where})`);
  }
}

export function defineGateway(cls: unknown): GatewayDefinition {
  if (typeof cls !== "function") throw new BunwireError("INVALID_HANDLER", `a gateway must be a class decorated with @WebSocketGateway("/path"), got ${typeof cls}`);
  const gateway = cls as Class;
  const path = findRecord(gateway)?.gatewayPath;
  if (path === undefined) throw new BunwireError("INVALID_HANDLER", `${gateway.name} is not a gateway: decorate it with @WebSocketGateway("/path")`);
  const { lifecycle, subscriptions, problems } = gatewayMethods(gateway);
  if (problems.length > 0) throw new BunwireError("INVALID_HANDLER", problems.join("\n"));
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new BunwireError("INVALID_ROUTE", `${gateway.name}: @WebSocketGateway(${JSON.stringify(path)}) needs a path starting with "/", like "/ws"`);
  }
  try {
    compilePattern(path);
  } catch (error) {
    throw new BunwireError("INVALID_ROUTE", `${gateway.name}: @WebSocketGateway(${JSON.stringify(path)}): ${(error as Error).message}`);
  }
  const prototype = gateway.prototype as Record<string, unknown>;
  const methods = [...Object.values(lifecycle), ...[...subscriptions.values()].map((s) => s.method)];
  for (const method of methods) {
    if (typeof prototype[method] !== "function") throw new BunwireError("INVALID_HANDLER", `${gateway.name}.${method} is not a method`);
  }
  return { cls: gateway, path, lifecycle, subscriptions, options: findRecord(gateway)?.gatewayOptions };
}
