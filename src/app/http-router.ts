// `httpRouter()`: Express's `Router()` for the App, a stack of `(req, res, next)` routes and middleware mounted
// with `app.use("/api", router)`. Named apart from `bunwire/router`'s `Router`, which is the fetch-style front door.
// A mounted router is walked live: routes added after `app.use` count.

import { BunwireError } from "../engine/index.ts";
import { checkOptionNames } from "../engine/option-names.ts";
import { BOOLEAN, checkOptionValues } from "../engine/option-values.ts";
import { checkBodyLimit } from "./body.ts";
import { HttpRoutes, STACK } from "./http-routes.ts";
import { LayerStack } from "./layers.ts";
import type { ErrorMiddleware, Middleware } from "./middleware-chain.ts";

export interface HttpRouterOptions {
  /** Handlers see the params of the path the router is mounted on too (`/users/:userId` + `/posts/:id`). */
  mergeParams?: boolean;
  /** Body bytes its routes accept, overriding the App's `bodyLimit` (a route's own option overrides this). */
  bodyLimit?: number;
}

export class HttpRouter extends HttpRoutes {
  readonly [STACK]: LayerStack;

  constructor(options: HttpRouterOptions = {}) {
    super();
    checkOptionNames(options, ["mergeParams", "bodyLimit"], "httpRouter()");
    checkOptionValues(options, { mergeParams: BOOLEAN }, "httpRouter()");
    if (options.bodyLimit !== undefined) checkBodyLimit(options.bodyLimit, "httpRouter()");
    this[STACK] = new LayerStack(options);
  }

  /** Middleware or another HttpRouter, for every path under `path` (default "/"). */
  use(...handlers: Array<Middleware | HttpRouter>): this;
  use(path: string, ...handlers: Array<Middleware | HttpRouter>): this;
  /** Error middleware `(err, req, res, next)`: runs after a failure under this router and may answer it. */
  use(...handlers: ErrorMiddleware[]): this;
  use(path: string, ...handlers: ErrorMiddleware[]): this;
  use(...args: unknown[]): this {
    const path = typeof args[0] === "string" ? (args.shift() as string) : "/";
    if (args.length === 0) throw new BunwireError("INVALID_HANDLER", `router.use("${path}"): no middleware given`);
    for (const item of args) {
      if (!this.useItem(path, item)) throw new BunwireError("INVALID_HANDLER", `router.use("${path}", ...): expected middleware functions or an HttpRouter`);
    }
    return this;
  }
}

/** A new HttpRouter (Express's `express.Router()`). */
export function httpRouter(options?: HttpRouterOptions): HttpRouter {
  return new HttpRouter(options);
}
