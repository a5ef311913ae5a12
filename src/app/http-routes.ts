// What the App and an HttpRouter share: Express's route methods (`get` ... `options`, `all`), `route(path)` for
// chaining methods on one path, `param(name, fn)`, and the reading of `use` arguments. Both keep a LayerStack.

import { BunwireError, joinPaths } from "../engine/index.ts";
import { checkOptionNames } from "../engine/option-names.ts";
import { checkBodyLimit } from "./body.ts";
import { LayerStack, type ParamHandler, type RouteOptions } from "./layers.ts";
import type { Handler, Middleware } from "./middleware-chain.ts";
import type { BunwireRequest } from "./request.ts";
import type { ParamsOf } from "./types.ts";

export type RouteHandler<Path extends string> = Middleware<BunwireRequest<ParamsOf<Path>>>;
/** Handlers, optionally after per-route options: `app.post("/upload", { bodyLimit: 50e6 }, handler)`. */
export type RouteArgs<Path extends string> = [options: RouteOptions, ...handlers: RouteHandler<Path>[]] | RouteHandler<Path>[];

/** @internal the LayerStack behind an App or HttpRouter. */
export const STACK: unique symbol = Symbol("bunwire.layers");

function isRouteOptions(value: unknown): value is RouteOptions {
  return value !== null && typeof value === "object" && !(STACK in value);
}

/** `app.route("/book").get(list).post(create)`: several methods on one path. */
export class RouteBuilder<Path extends string> {
  readonly #owner: HttpRoutes;
  readonly #path: Path;
  constructor(owner: HttpRoutes, path: Path) {
    this.#owner = owner;
    this.#path = path;
  }
  get(...args: RouteArgs<Path>): this {
    return this.#add("GET", args);
  }
  post(...args: RouteArgs<Path>): this {
    return this.#add("POST", args);
  }
  put(...args: RouteArgs<Path>): this {
    return this.#add("PUT", args);
  }
  patch(...args: RouteArgs<Path>): this {
    return this.#add("PATCH", args);
  }
  delete(...args: RouteArgs<Path>): this {
    return this.#add("DELETE", args);
  }
  head(...args: RouteArgs<Path>): this {
    return this.#add("HEAD", args);
  }
  options(...args: RouteArgs<Path>): this {
    return this.#add("OPTIONS", args);
  }
  all(...args: RouteArgs<Path>): this {
    return this.#add("ALL", args);
  }
  #add(method: string, args: readonly unknown[]): this {
    this.#owner.addRoute(method, this.#path, args);
    return this;
  }
}

export abstract class HttpRoutes {
  abstract readonly [STACK]: LayerStack;
  /** What `printRoutes` lists, in the order it was added: a route, or an HttpRouter mounted below a prefix (live). */
  protected readonly listing: Array<[method: string, path: string] | [prefix: string, routes: HttpRoutes]> = [];

  get<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("GET", path, args);
  }
  post<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("POST", path, args);
  }
  put<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("PUT", path, args);
  }
  patch<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("PATCH", path, args);
  }
  delete<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("DELETE", path, args);
  }
  /** HEAD routes win over the GET route that otherwise answers HEAD (without a body). */
  head<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("HEAD", path, args);
  }
  /** An OPTIONS route; without one, OPTIONS is answered with `Allow` (and `cors()` answers preflights first). */
  options<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("OPTIONS", path, args);
  }
  /** Every method. */
  all<Path extends string>(path: Path, ...args: RouteArgs<Path>): this {
    return this.addRoute("ALL", path, args);
  }

  /** Several methods on one path: `app.route("/books/:id").get(show).put(update)`. */
  route<Path extends string>(path: Path): RouteBuilder<Path> {
    return new RouteBuilder(this, path);
  }

  /** `fn(req, res, next, value, name)` runs before the handlers of this stack's routes with `:name`, once per request and value. */
  param(name: string | readonly string[], fn: ParamHandler): this {
    if (typeof fn !== "function") throw new BunwireError("INVALID_HANDLER", `param("${String(name)}", fn): fn must be a function`);
    // An array, as in Express 4: the callback for each name.
    for (const one of typeof name === "string" ? [name] : name) this[STACK].param(one, fn);
    return this;
  }

  /** @internal adds a route from the arguments of `get(path, [options,] ...handlers)`. */
  addRoute(method: string, path: string, args: readonly unknown[]): this {
    const [first, ...rest] = args;
    const options = isRouteOptions(first) ? first : undefined;
    const handlers = options === undefined ? args : rest;
    if (handlers.length === 0) throw new BunwireError("INVALID_HANDLER", `${method} ${path}: no handler given`);
    for (const handler of handlers) {
      if (typeof handler !== "function") throw new BunwireError("INVALID_HANDLER", `${method} ${path}: every handler must be a function, got ${typeof handler}`);
    }
    if (options !== undefined) checkOptionNames(options, ["bodyLimit"], `${method} ${path}`);
    if (options?.bodyLimit !== undefined) checkBodyLimit(options.bodyLimit, `${method} ${path}`);
    this[STACK].route(method, path, handlers as Handler[], options);
    this.registered(method, path);
    return this;
  }

  /** @internal `use` items that are not functions or routers are left to the subclass (the App mounts Routers). */
  protected useItem(path: string, item: unknown): boolean {
    if (typeof item === "function") this[STACK].use(path, [item as Handler]);
    else if (item instanceof HttpRoutes) {
      this[STACK].mount(path, item[STACK]);
      this.listing.push([path, item]);
    } else return false;
    return true;
  }

  /** Called for each route added (the App lists them in `printRoutes`). */
  protected registered(method: string, path: string): void {
    this.listing.push([method, path]);
  }

  /** @internal Every route as `[method, path]` below `prefix`, mounted HttpRouters' included as they are now. */
  routeLines(prefix = ""): Array<[method: string, path: string]> {
    const lines: Array<[string, string]> = [];
    for (const [first, second] of this.listing) {
      if (typeof second === "string") lines.push([first, joinPaths(prefix, second)]);
      else lines.push(...second.routeLines(joinPaths(prefix, first)));
    }
    return lines;
  }
}
