// The App's translation of an upgrade into the engine's one admission reading (src/engine/admission.ts): its
// middleware runs on the upgrade request with the same req/res as HTTP; the App's named rule refuses with
// whatever a middleware sent; then the route's `upgrade(req)` decision (an `app.ws` route) or the mounted front
// door's own admission decides, and what the middleware set (headers on `res`, `req.user`) joins the grant.

import type { Server } from "bun";
import { isThenable, readMaybeDecision, refuseWithAnswer, toUser, type Admission, type Grant, type Params, type SocketRoute } from "../engine/index.ts";
import { runChain, type ChainOutcome, type ChainStep } from "./middleware-chain.ts";
import type { KeptHeaders } from "./kept-headers.ts";
import type { BunwireRequest } from "./request.ts";
import type { BunwireResponse } from "./response.ts";
import type { WebSocketData, WebSocketRouteDefinition } from "./types.ts";

/** An `app.ws` route with the names its errors use, built once at registration (not per upgrade). */
export interface AppSocketRoute extends WebSocketRouteDefinition<any> {
  readonly where: string;
  readonly upgradeWhere: string;
  /** The headers `ws.data.req` keeps (`keepHeaders`); undefined: all of them. */
  readonly keep: KeptHeaders | undefined;
}

const PASSED: ChainOutcome = { kind: "passed" };

/** The chain ended without letting the upgrade go on: the App's rule refuses with whatever middleware sent. */
function stopped(outcome: ChainOutcome, res: BunwireResponse): Response {
  if (outcome.kind === "answered") return refuseWithAnswer(res.toResponse());
  // A failure (throw, rejection, next(err)): the engine answers it (its status, or a reported 500).
  throw (outcome as { error: unknown }).error;
}

/**
 * What the App's middleware added to a grant: headers it set on `res` ride on the 101, `req.user` is the identity.
 * On an `app.ws` route (`route`) a granted `req` lets its Fetch `Request` go, keeping the headers the route keeps
 * (`keepHeaders`): it may live on `ws.data.req` as long as the socket. A mounted front door's `ws.data` is its own,
 * so its `req` is dropped with the upgrade.
 */
function withMiddleware(admission: Admission, req: BunwireRequest<any>, res: BunwireResponse, where: string, route: AppSocketRoute | undefined): Admission {
  if (admission instanceof Response) return admission;
  if (route !== undefined) req.detach(route.keep);
  const grant: Grant = admission;
  const set = res.headersIfSet;
  if (set !== undefined) {
    if (grant.headers === undefined) grant.headers = set;
    else {
      const headers = new Headers(grant.headers);
      for (const [name, value] of set) headers.append(name, value);
      grant.headers = headers;
    }
  }
  if (grant.user === undefined && req.user !== undefined) {
    const user = toUser(req.user, `${where}: req.user`);
    if (user !== undefined) grant.user = user;
  }
  return grant;
}

/** `ws.data` of an `app.ws` route admitted without data of its own: what middleware put in `res.locals`, and more. */
function defaultData(req: BunwireRequest<any>, res: BunwireResponse, route: AppSocketRoute, params: Params): WebSocketData {
  const locals = res.localsIfSet;
  // Without locals a plain literal: smaller than a spread's result (48 bytes instead of 64, for the socket's life).
  if (locals === undefined) return { routePath: route.path, params, handlers: route.handlers, req };
  return { ...locals, routePath: route.path, params, handlers: route.handlers, req };
}

/** An `app.ws` route: `use` and route middleware, then the route's `upgrade(req)`; `ws.data` defaults to the App's. */
export function admitAppRoute(steps: ChainStep[], req: BunwireRequest<any>, res: BunwireResponse, route: AppSocketRoute, params: Params): Admission | Promise<Admission> {
  if (steps.length === 0 && route.handlers.upgrade === undefined) {
    // A bare route admits with the default data: what `readDecision(undefined)` gives, without building the
    // decision source and its closures on every upgrade. No code ran on `req`/`res`: no headers or user to add.
    req.params = params;
    req.detach(route.keep); // the socket may keep `req` for its life: let Bun's Request go, as withMiddleware does
    return { data: defaultData(req, res, route, params), context: undefined };
  }
  const source = { where: route.upgradeWhere, defaultData: () => defaultData(req, res, route, params) };
  const decide = (outcome: ChainOutcome): Admission | Promise<Admission> => {
    if (outcome.kind !== "passed") return stopped(outcome, res);
    req.params = params;
    const decided = readMaybeDecision(route.handlers.upgrade?.(req), source);
    if (!isThenable(decided)) return withMiddleware(decided, req, res, route.where, route);
    return decided.then((admission) => withMiddleware(admission, req, res, route.where, route));
  };
  if (steps.length === 0) return decide(PASSED);
  const outcome = runChain(steps, req, res);
  return isThenable(outcome) ? outcome.then(decide) : decide(outcome);
}

/** A mounted front door's route (Router, file routes, Application): the App's `use` middleware, then its own admission. */
export function admitMountedRoute(
  steps: ChainStep[],
  request: BunwireRequest<any>,
  response: BunwireResponse,
  route: SocketRoute,
  where: string,
  upgrade: { raw: Request; server: Server<unknown>; params: Params; pathname: string },
): Admission | Promise<Admission> {
  const after = (outcome: ChainOutcome): Admission | Promise<Admission> => {
    if (outcome.kind !== "passed") return stopped(outcome, response);
    const admission = route.admit(upgrade.raw, upgrade.server, upgrade.params, upgrade.pathname);
    return isThenable(admission) ? admission.then((settled) => withMiddleware(settled, request, response, where, undefined)) : withMiddleware(admission, request, response, where, undefined);
  };
  const outcome = runChain(steps, request, response);
  return isThenable(outcome) ? outcome.then(after) : after(outcome);
}
