// Route-first admission of a WebSocket handshake: the Router's HTTP route for the path runs before the upgrade and
// may upgrade itself (`router.upgrade(req, { data, headers })`), refuse (status >= 400), or let the upgrade go on.
// `router.upgrade` finds the engine, server and route of the handshake here, keyed by the Request object.

import type { Server } from "bun";
import { UPGRADED, type Admission, type Engine, type Grant, type Params, type SocketRoute } from "../engine/index.ts";
import type { RouterRequest, UpgradeOptions } from "./types.ts";
import { isThenable } from "../engine/thenable.ts";

interface Handshake {
  readonly engine: Engine;
  readonly server: Server<unknown>;
  readonly route: SocketRoute;
  readonly params: Params;
}

const handshakes = new WeakMap<Request, Handshake>();
const upgraded = new WeakSet<Request>();

/** A fresh `ws.data` per connection, so handlers may assign to it before `open` replaces it. */
export function defaultGrant(): Grant {
  return { data: {} };
}

/** Gives the request its route params as `req.params`. */
export function withParams(req: Request, params: Params): RouterRequest {
  Object.defineProperty(req, "params", { value: params, configurable: true, writable: true, enumerable: false });
  return req as RouterRequest;
}

function settle(req: Request, response: unknown): Admission {
  handshakes.delete(req);
  if (upgraded.has(req)) return UPGRADED;
  if (response instanceof Response && response.status >= 400) return response;
  return defaultGrant();
}

/** Runs `handler` for a handshake on `route`; its outcome decides the admission. */
export function admitThroughRoute(
  req: Request,
  handshake: Handshake,
  handler: (req: RouterRequest) => unknown,
  routeParams: Params,
): Admission | Promise<Admission> {
  handshakes.set(req, handshake);
  let result: unknown;
  try {
    result = handler(withParams(req, routeParams));
  } catch (error) {
    handshakes.delete(req);
    throw error;
  }
  if (!isThenable(result)) return settle(req, result);
  return Promise.resolve(result).then(
    (response) => settle(req, response),
    (error: unknown) => {
      handshakes.delete(req);
      throw error;
    },
  );
}

/** `router.upgrade`: true when `req` is a handshake being admitted and Bun accepted it. */
export function upgradeHandshake(req: Request, options: UpgradeOptions<unknown>): boolean {
  const handshake = handshakes.get(req);
  if (handshake === undefined || upgraded.has(req)) return false;
  const grant: Grant = { data: options.data === undefined ? {} : options.data, headers: options.headers };
  if (!handshake.engine.upgrade(req, handshake.server, handshake.route, handshake.params, grant)) return false;
  upgraded.add(req);
  return true;
}
