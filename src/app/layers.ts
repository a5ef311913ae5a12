// The ordered stack of an App or HttpRouter (Express semantics): `use` middleware matches a path prefix, routes a
// method and the whole path, and a mounted router is a stack of its own below a prefix, walked live (routes added
// after mounting count). For one request it yields the chain of steps to run, with `req.params` and `req.baseUrl`
// for each; before a route's handlers it puts the body read and the `param()` callbacks for that route.

import { BunwireError, compilePattern, NO_PARAMS, type Params, type PathPattern } from "../engine/index.ts";
import type { ChainStep, Handler, Middleware, NextFunction } from "./middleware-chain.ts";
import { PARAM_CALLS, type BunwireRequest } from "./request.ts";
import type { BunwireResponse } from "./response.ts";

export interface RouteOptions {
  /** Body bytes this route accepts, overriding the App's `bodyLimit`. */
  bodyLimit?: number;
}

/** `app.param(name, fn)`: runs before the handlers of routes with `:name`, once per request and value. */
export type ParamHandler = (req: BunwireRequest<any>, res: BunwireResponse, next: NextFunction, value: string, name: string) => unknown;

export type Layer =
  | { readonly kind: "use"; readonly pattern: PathPattern; readonly depth: MountDepth; readonly handlers: readonly Handler[] }
  | { readonly kind: "route"; readonly method: string; readonly pattern: PathPattern; readonly handlers: readonly Handler[]; readonly bodyLimit: number | undefined; readonly ownBody: boolean }
  | { readonly kind: "router"; readonly pattern: PathPattern; readonly depth: MountDepth; readonly stack: LayerStack };

/** How much of a path a mount pattern covers: a fixed length (static prefixes), or its segments. */
type MountDepth = number | readonly string[];

export interface Chain {
  steps: ChainStep[];
  /** A route (not only `use` middleware) matched method and path. */
  routed: boolean;
  /** The body limit of the first matching route; undefined when none matched. */
  bodyLimit: number | undefined;
}

// Methods whose bodies bunwire never reads before a route (Express's parsers skip them too when they are empty).
const BODILESS = new Set(["GET", "HEAD"]);

/** Reads the body into `req.body` before a route's handlers (once per request). */
const readBodyStep: Middleware = (req, _res, next) => req.readBody().then(() => next(), next);

function depthOf(pattern: PathPattern): MountDepth {
  if (pattern.keys.length === 0) return pattern.path === "/" ? 0 : pattern.path.length;
  return pattern.path.split("/").slice(1);
}

/** A `use` or router prefix against `path`: static prefixes by string comparison (every request runs these). */
function matchMount(pattern: PathPattern, depth: MountDepth, path: string): Params | null {
  if (typeof depth !== "number") return pattern.match(path);
  if (depth === 0) return NO_PARAMS;
  return path.startsWith(pattern.path) && (path.length === depth || path.charCodeAt(depth) === 47) ? NO_PARAMS : null;
}

/** The length of the part of `path` that a mount pattern matched (the new `baseUrl` is that much longer). */
function mountedLength(depth: MountDepth, path: string, params: Params): number {
  if (typeof depth === "number") return depth;
  let at = 0;
  for (const segment of depth) {
    if (segment === "*") return path.length;
    if (segment.endsWith("?") && params[segment.slice(1, -1)] === undefined) continue;
    const next = path.indexOf("/", at + 1);
    if (next === -1) return path.length;
    at = next;
  }
  return at;
}

export class LayerStack {
  readonly layers: Layer[] = [];
  /** `param(name, fn)` callbacks, already wrapped as middleware that runs once per request and value. */
  readonly params = new Map<string, Middleware[]>();
  /** A mounted router's own limit, or the App's; the innermost one set wins. */
  readonly bodyLimit: number | undefined;
  readonly mergeParams: boolean;

  constructor(options: { bodyLimit?: number; mergeParams?: boolean } = {}) {
    this.bodyLimit = options.bodyLimit;
    this.mergeParams = options.mergeParams === true;
  }

  use(path: string, handlers: readonly Handler[]): void {
    const pattern = compilePattern(path, { prefix: true });
    this.layers.push({ kind: "use", pattern, depth: depthOf(pattern), handlers });
  }

  /** `ownBody`: the handlers read `req.raw`'s body themselves (a mounted fetch-style Router), so it is left unread. */
  route(method: string, path: string, handlers: readonly Handler[], options: RouteOptions & { ownBody?: boolean } = {}): void {
    this.layers.push({ kind: "route", method, pattern: compilePattern(path), handlers, bodyLimit: options.bodyLimit, ownBody: options.ownBody === true });
  }

  mount(path: string, stack: LayerStack): void {
    if (stack === this) throw new BunwireError("INVALID_HANDLER", `a router cannot be mounted into itself ("${path}")`);
    const pattern = compilePattern(path, { prefix: true });
    this.layers.push({ kind: "router", pattern, depth: depthOf(pattern), stack });
  }

  /** Registers `fn` for routes of this stack that have `:name`; it runs once per request and param value. */
  param(name: string, fn: ParamHandler): void {
    const step: Middleware = (req, res, next) => {
      const value = (req.params as Params)[name]!;
      const calls = (req[PARAM_CALLS] ??= new Map());
      if (calls.get(fn) === value) return next();
      calls.set(fn, value);
      return fn(req, res, next, value, name);
    };
    const list = this.params.get(name);
    if (list === undefined) this.params.set(name, [step]);
    else list.push(step);
  }

  /** The `use` middleware that apply to `pathname` (what runs before an upgrade). Throws MALFORMED_URI. */
  middlewareFor(pathname: string): ChainStep[] {
    const chain: Chain = { steps: [], routed: false, bodyLimit: undefined };
    this.#collect(chain, undefined, pathname, 0, NO_PARAMS, undefined, [this]);
    return chain.steps;
  }

  /** Every middleware and route handler for an HTTP request, in order. Throws MALFORMED_URI. */
  chainFor(method: string, pathname: string): Chain {
    const chain: Chain = { steps: [], routed: false, bodyLimit: undefined };
    this.#collect(chain, method, pathname, 0, NO_PARAMS, undefined, [this]);
    return chain;
  }

  /** The methods routes answer at `pathname` (GET brings HEAD), for 405's and OPTIONS's `Allow`. */
  allowedMethods(pathname: string, offset = 0, methods: Set<string> = new Set()): Set<string> {
    const path = offset === 0 ? pathname : pathname.slice(offset) || "/";
    for (const layer of this.layers) {
      if (layer.kind === "use") continue;
      const params = layer.kind === "router" ? matchMount(layer.pattern, layer.depth, path) : layer.pattern.match(path);
      if (params === null) continue;
      if (layer.kind === "router") {
        layer.stack.allowedMethods(pathname, offset + mountedLength(layer.depth, path, params), methods);
      } else if (layer.method !== "ALL") {
        methods.add(layer.method);
        if (layer.method === "GET") methods.add("HEAD");
      }
    }
    return methods;
  }

  /**
   * `method` undefined: `use` middleware only (an upgrade). `offset`: how much of `pathname` mounts consumed.
   * `scopes`: this stack and the stacks it is mounted in, outermost first; each step carries them, so an error
   * middleware only takes errors raised inside its own router, as in Express (middleware-chain.ts).
   */
  #collect(chain: Chain, method: string | undefined, pathname: string, offset: number, inherited: Params, limit: number | undefined, scopes: readonly LayerStack[]): void {
    const path = offset === 0 ? pathname : pathname.slice(offset) || "/";
    const base = offset === 0 ? "" : pathname.slice(0, offset);
    const bodyLimit = this.bodyLimit ?? limit;
    const merge = this.mergeParams && inherited !== NO_PARAMS;
    for (const layer of this.layers) {
      if (layer.kind === "route") {
        if (method === undefined) continue;
        if (layer.method !== method && layer.method !== "ALL" && !(method === "HEAD" && layer.method === "GET")) continue;
      }
      const matched = layer.kind === "route" ? layer.pattern.match(path) : matchMount(layer.pattern, layer.depth, path);
      if (matched === null) continue;
      const params = merge ? { ...inherited, ...matched } : matched;
      if (layer.kind === "router") {
        layer.stack.#collect(chain, method, pathname, offset + mountedLength(layer.depth, path, matched), params, bodyLimit, [...scopes, layer.stack]);
      } else if (layer.kind === "use") {
        const mounted = base + path.slice(0, mountedLength(layer.depth, path, matched));
        for (const handler of layer.handlers) chain.steps.push({ handler, params, base: mounted, scopes });
      } else {
        chain.routed = true;
        chain.bodyLimit ??= layer.bodyLimit ?? bodyLimit;
        if (!layer.ownBody && !BODILESS.has(method!)) chain.steps.push({ handler: readBodyStep, params, base, route: layer, scopes });
        for (const key of layer.pattern.keys) {
          for (const handler of this.params.get(key) ?? []) chain.steps.push({ handler, params, base, route: layer, scopes });
        }
        for (const handler of layer.handlers) chain.steps.push({ handler, params, base, route: layer, scopes });
      }
    }
  }
}
