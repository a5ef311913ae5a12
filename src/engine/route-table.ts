// One table of routes for one kind of entry (HTTP methods or WebSocket paths): static paths in a Map for an O(1)
// hit, then `:param` patterns in registration order, then `*` catch-alls (so a Router mounted at "/" never hides
// an `app.ws("/chat/:room")` added after it). Matching happens once per request or upgrade, never per message.

import { BunwireError } from "./errors.ts";
import { compilePattern, NO_PARAMS, normalizePath, type Params, type PathPattern } from "./path-pattern.ts";

export interface RouteMatch<T> {
  readonly value: T;
  readonly params: Params;
  readonly pattern: PathPattern;
}

interface Entry<T> {
  readonly pattern: PathPattern;
  readonly value: T;
}

export class RouteTable<T> {
  /** A static route's match is the same every time: made once, so a hit allocates nothing. */
  readonly #static = new Map<string, RouteMatch<T>>();
  readonly #dynamic: Entry<T>[] = [];
  readonly #catchAll: Entry<T>[] = [];
  readonly #label: string;

  constructor(label: string) {
    this.#label = label;
  }

  add(path: string, value: T): PathPattern {
    const pattern = compilePattern(path);
    const list = pattern.keys.includes("*") ? this.#catchAll : this.#dynamic;
    const duplicate = pattern.isStatic ? this.#static.has(pattern.path) : list.some((e) => e.pattern.path === pattern.path);
    if (duplicate) throw new BunwireError("ROUTE_CONFLICT", `${this.#label} route "${pattern.path}" is already registered`);
    if (pattern.isStatic) this.#static.set(pattern.path, { value, params: NO_PARAMS, pattern });
    else list.push({ pattern, value });
    return pattern;
  }

  /** Throws MALFORMED_URI (400) when a matching param holds a bad escape. */
  match(pathname: string): RouteMatch<T> | null {
    const hit = this.#static.get(normalizePath(pathname));
    if (hit !== undefined) return hit;
    // Two calls, not `for (const list of [a, b])`: this runs on every upgrade, and that allocates an array each time.
    return firstMatch(this.#dynamic, pathname) ?? firstMatch(this.#catchAll, pathname);
  }

  *entries(): IterableIterator<[string, T]> {
    for (const entry of this.#static.values()) yield [entry.pattern.path, entry.value];
    for (const entry of this.#dynamic) yield [entry.pattern.path, entry.value];
    for (const entry of this.#catchAll) yield [entry.pattern.path, entry.value];
  }
}

/** The first entry of `list` whose pattern matches `pathname`, with its params. */
function firstMatch<T>(list: readonly Entry<T>[], pathname: string): RouteMatch<T> | null {
  for (const entry of list) {
    const params = entry.pattern.match(pathname);
    if (params !== null) return { value: entry.value, params, pattern: entry.pattern };
  }
  return null;
}
