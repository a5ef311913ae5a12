// Walks a `@Module` and its imports once: providers go to the container, `@WebSocketGateway` providers become
// gateways. Runs at `registerModule`, so a wrong module or gateway fails at that line.

import { BunwireError } from "../engine/errors.ts";
import { assertNotStrayHandlers, defineGateway, isGateway, type GatewayDefinition } from "./definition.ts";
import { findRecord } from "./metadata.ts";
import { addGateway } from "./registry.ts";
import type { Class, Provider } from "./types.ts";

export interface ModuleContents {
  readonly providers: { provider: Provider; module: string }[];
  readonly gateways: Map<Class, GatewayDefinition>;
  readonly modules: Set<Class>;
}

export function collectModule(module: unknown, into: ModuleContents, importedBy?: string): void {
  const where = importedBy === undefined ? "registerModule()" : `imports of ${importedBy}`;
  if (typeof module !== "function") throw new BunwireError("INVALID_HANDLER", `${where}: expected a @Module class, got ${module === undefined ? "undefined (a circular import?)" : typeof module}`);
  const cls = module as Class;
  if (into.modules.has(cls)) return;
  const options = findRecord(cls)?.module;
  if (options === undefined) throw new BunwireError("INVALID_HANDLER", `${where}: ${cls.name} is not a module: decorate it with @Module({ providers })`);
  into.modules.add(cls);
  for (const imported of options.imports ?? []) collectModule(imported, into, cls.name);
  for (const provider of options.providers ?? []) {
    if (provider === undefined || provider === null) throw new BunwireError("INVALID_HANDLER", `${cls.name}: providers holds ${String(provider)} (a circular import?)`);
    into.providers.push({ provider, module: cls.name });
    if (typeof provider !== "function") continue;
    assertNotStrayHandlers(provider, `listed in ${cls.name}'s providers`);
    if (isGateway(provider)) addGateway(into.gateways, defineGateway(provider));
  }
}
