// What the decorators record about a class, kept in a WeakMap keyed by the class: the gateway path, the
// lifecycle methods, the @SubscribeMessage table, injectability, module options, and any misuse found while
// decorating. Misuse is reported at registration (`register`, `registerModule`), naming class and method.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { GatewayOptions } from "./subscriptions.ts";
import type { Class, ModuleOptions } from "./types.ts";

export type Lifecycle = "upgrade" | "open" | "message" | "close" | "error" | "drain" | "ping" | "pong" | "rejected";

export const LIFECYCLE_DECORATOR: { readonly [K in Lifecycle]: string } = {
  upgrade: "@OnUpgrade()",
  open: "@OnOpen()",
  message: "@OnMessage()",
  close: "@OnClose()",
  error: "@OnError()",
  drain: "@OnDrain()",
  ping: "@OnPing()",
  pong: "@OnPong()",
  rejected: "@OnRejected()",
};

export interface Subscription {
  readonly event: string;
  readonly method: string;
  readonly schema: StandardSchemaV1 | undefined;
}

export interface ClassRecord {
  /** The `@WebSocketGateway(path)` argument, when the class is a gateway. */
  gatewayPath?: string;
  /** The `@WebSocketGateway(path, options)` typed-message options, when given. */
  gatewayOptions?: GatewayOptions;
  injectable?: boolean;
  module?: ModuleOptions;
  lifecycle: { [K in Lifecycle]?: string };
  subscriptions: Map<string, Subscription>;
  /** Misuse seen while decorating, thrown at registration. */
  problems: string[];
}

const records = new WeakMap<object, ClassRecord>();

export function recordOf(target: Class): ClassRecord {
  let record = records.get(target);
  if (record === undefined) {
    record = { lifecycle: {}, subscriptions: new Map(), problems: [] };
    records.set(target, record);
  }
  return record;
}

export function findRecord(target: Class): ClassRecord | undefined {
  return records.get(target);
}

/** The methods a gateway dispatches to: its own decorations over its base classes' (a subclass overrides). */
export function gatewayMethods(target: Class): { lifecycle: ClassRecord["lifecycle"]; subscriptions: Map<string, Subscription>; problems: string[] } {
  const chain: ClassRecord[] = [];
  for (let current: unknown = target; typeof current === "function" && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    const record = records.get(current as Class);
    if (record !== undefined) chain.unshift(record);
  }
  const lifecycle: ClassRecord["lifecycle"] = {};
  const subscriptions = new Map<string, Subscription>();
  const problems: string[] = [];
  for (const record of chain) {
    Object.assign(lifecycle, record.lifecycle);
    for (const [event, subscription] of record.subscriptions) subscriptions.set(event, subscription);
    problems.push(...record.problems);
  }
  return { lifecycle, subscriptions, problems };
}

/** The first method carrying a handler decorator, if any (handlers on a class without @WebSocketGateway never run). */
export function firstHandlerMethod(target: Class): string | undefined {
  const record = records.get(target);
  if (record === undefined) return undefined;
  return Object.values(record.lifecycle)[0] ?? record.subscriptions.values().next().value?.method;
}
