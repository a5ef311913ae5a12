// The process-wide list of gateways (`WebSocketGatewayRegistry.getInstance().register(G)`): every Application
// that starts afterwards serves them. Registering checks the class at once, so misuse fails at this line.

import { BunwireError } from "../engine/errors.ts";
import { normalizePath } from "../engine/path-pattern.ts";
import { defineGateway, type GatewayDefinition } from "./definition.ts";
import type { Class } from "./types.ts";

/** Adds `definition` to `byClass`; the same class twice is one gateway, two classes on one path a conflict. */
export function addGateway(byClass: Map<Class, GatewayDefinition>, definition: GatewayDefinition): void {
  if (byClass.has(definition.cls)) return;
  const path = normalizePath(definition.path);
  for (const other of byClass.values()) {
    if (normalizePath(other.path) === path) {
      throw new BunwireError("ROUTE_CONFLICT", `${definition.cls.name} and ${other.cls.name} are both @WebSocketGateway("${path}"): one gateway per path`);
    }
  }
  byClass.set(definition.cls, definition);
}

export class WebSocketGatewayRegistry {
  static #instance: WebSocketGatewayRegistry | undefined;
  readonly #gateways = new Map<Class, GatewayDefinition>();

  /** The process-wide registry. */
  static getInstance(): WebSocketGatewayRegistry {
    return (WebSocketGatewayRegistry.#instance ??= new WebSocketGatewayRegistry());
  }

  /** Registers gateway classes (checked now: path, decorators); registering one twice is harmless. */
  register(...gateways: Class[]): this {
    for (const gateway of gateways) addGateway(this.#gateways, defineGateway(gateway));
    return this;
  }

  unregister(gateway: Class): boolean {
    return this.#gateways.delete(gateway);
  }

  has(gateway: Class): boolean {
    return this.#gateways.has(gateway);
  }

  /** Forgets every gateway (tests, or an app that rebuilds its gateways). Running applications keep theirs. */
  clear(): void {
    this.#gateways.clear();
  }

  /** The registered gateways, in registration order. */
  definitions(): GatewayDefinition[] {
    return [...this.#gateways.values()];
  }
}
