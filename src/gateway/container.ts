// The dependency-injection container of one Application: every class is constructed once, its constructor
// parameters resolved by type from `design:paramtypes`. Everything is resolved at start-up, so a missing
// provider fails before the first connection, naming the class and the constructor parameter.

import "reflect-metadata";
import { BunwireError } from "../engine/errors.ts";
import { findRecord } from "./metadata.ts";
import type { Class, ConstructableClass, Provider } from "./types.ts";

// What `design:paramtypes` holds for interfaces, unions, primitives and type-only imports: nothing to inject by.
const NOT_INJECTABLE = new Set<unknown>([Object, Function, String, Number, Boolean, Symbol, BigInt, Array, Promise]);

type Binding = { kind: "value"; value: object } | { kind: "class"; cls: ConstructableClass };

/** Constructor parameter names from the class source, for error messages only (best effort). */
function parameterNames(cls: Class): string[] {
  const source = Function.prototype.toString.call(cls);
  const start = source.indexOf("constructor(");
  if (start === -1) return [];
  let depth = 0;
  let end = start + "constructor(".length;
  for (; end < source.length; end++) {
    const char = source[end];
    if (char === "(" || char === "{" || char === "[") depth++;
    else if (char === ")" || char === "}" || char === "]") {
      if (depth === 0) break;
      depth--;
    }
  }
  const list = source.slice(start + "constructor(".length, end);
  return list.split(",").map((part) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(part)?.[1] ?? "");
}

function describeParameter(owner: Class, index: number): string {
  const name = parameterNames(owner)[index];
  return `${owner.name} constructor parameter #${index}${name ? ` "${name}"` : ""}`;
}

export class Container {
  readonly #bindings = new Map<Class, Binding>();
  readonly #instances = new Map<Class, object>();
  /** The classes being constructed, outermost first, to name a cycle. */
  readonly #resolving: { cls: Class; label: string }[] = [];

  /** Makes a module's provider available; a class provides itself. */
  provide(provider: Provider, module: string): void {
    if (typeof provider === "function") {
      this.#bindings.set(provider, { kind: "class", cls: provider });
      return;
    }
    if (provider === null || typeof provider !== "object" || typeof provider.provide !== "function") {
      throw new BunwireError("INVALID_PROVIDER", `${module}: a provider must be a class or { provide: Class, useValue | useClass }`);
    }
    if ("useValue" in provider) this.#bindings.set(provider.provide, { kind: "value", value: provider.useValue });
    else if (typeof provider.useClass === "function") this.#bindings.set(provider.provide, { kind: "class", cls: provider.useClass });
    else throw new BunwireError("INVALID_PROVIDER", `${module}: the provider for ${provider.provide.name} needs useValue or useClass`);
  }

  /** The one instance of `cls`, constructing it and its dependencies on first use. */
  get<T extends object>(cls: Class<T>): T {
    return this.#resolve(cls, undefined) as T;
  }

  #resolve(cls: Class, requiredBy: string | undefined): object {
    const existing = this.#instances.get(cls);
    if (existing !== undefined) return existing;
    let binding = this.#bindings.get(cls);
    if (binding === undefined) {
      // @Injectable() classes provide themselves anywhere; gateways are constructed by whoever registers them.
      const record = findRecord(cls);
      if (requiredBy !== undefined && record?.injectable !== true) {
        throw new BunwireError(
          "MISSING_PROVIDER",
          `${requiredBy} needs a ${cls.name} and no provider gives one: decorate ${cls.name} with @Injectable() or list it in a @Module's providers`,
        );
      }
      binding = { kind: "class", cls: cls as ConstructableClass };
    }
    if (binding.kind === "value") {
      this.#instances.set(cls, binding.value);
      return binding.value;
    }
    const at = this.#resolving.findIndex((entry) => entry.cls === cls);
    if (at !== -1) {
      const cycle = [...this.#resolving.slice(at).map((entry) => entry.label), cls.name].join(" → ");
      throw new BunwireError("CIRCULAR_DEPENDENCY", `circular constructor dependency: ${cycle}`);
    }
    this.#resolving.push({ cls, label: binding.cls === cls ? cls.name : `${cls.name} (useClass ${binding.cls.name})` });
    try {
      const instance = new binding.cls(...(this.#dependencies(binding.cls) as never[]));
      this.#instances.set(cls, instance);
      return instance;
    } finally {
      this.#resolving.pop();
    }
  }

  #dependencies(cls: ConstructableClass): object[] {
    const types = Reflect.getMetadata("design:paramtypes", cls) as unknown[] | undefined;
    if (types === undefined) {
      if (cls.length === 0) return [];
      throw new BunwireError(
        "MISSING_TYPE_METADATA",
        `${describeParameter(cls, 0)}: no type metadata to inject by; decorate ${cls.name} with @Injectable() and enable "emitDecoratorMetadata" in tsconfig.json`,
      );
    }
    return types.map((type, index) => {
      if (typeof type !== "function" || NOT_INJECTABLE.has(type)) {
        throw new BunwireError(
          "MISSING_TYPE_METADATA",
          `${describeParameter(cls, index)} has no class type to inject by (an interface, a union or a type-only import erases it): declare it with a class`,
        );
      }
      return this.#resolve(type as Class, describeParameter(cls, index));
    });
  }
}
