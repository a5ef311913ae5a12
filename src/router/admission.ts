// Route-first admission of a WebSocket handshake: the Router's GET route for the path runs before the upgrade and
// may grant it (`router.upgrade(req, { data, headers, user })`), refuse (status >= 400), or let it go on (the
// named Router rule of src/engine/admission.ts). Each Router keeps its own handshakes, keyed by the Request, so
// one Router's `upgrade()` can never upgrade another Router's handshake.

import { isThenable, readDecision, readRouteAnswer, SIZES, type Admission, type DecisionSource, type Grant, type Params, type Sizes } from "../engine/index.ts";
import type { RouterRequest, UpgradeOptions } from "./types.ts";

/** A fresh `ws.data` per connection, so handlers may assign to it before `open` replaces it. */
export function defaultData(): Record<string, unknown> {
  return {};
}

/** Gives the request its route params as `req.params`. */
export function withParams(req: Request, params: Params): RouterRequest {
  Object.defineProperty(req, "params", { value: params, configurable: true, writable: true, enumerable: false });
  return req as RouterRequest;
}

/** How a GET route's decisions are read, built once per route: its answer, and `router.upgrade()` called in it. */
export interface RouteSources {
  readonly answer: DecisionSource;
  readonly upgrade: DecisionSource;
}

/** `where` names the GET route admitting a handshake (`GET /chat/:room`) in errors. */
export function routeSources(where: string): RouteSources {
  return { answer: { where, defaultData }, upgrade: { where: `${where}: router.upgrade()`, defaultData } };
}

interface Handshake {
  readonly req: Request;
  readonly sources: RouteSources;
  /** What `router.upgrade()` granted, once it was called. */
  grant: Grant | undefined;
}

export class Handshakes {
  /** Handshakes whose GET route went async: `router.upgrade` may come from a later task and finds them by Request. */
  readonly #open = new WeakMap<Request, Handshake>();
  /** The handshake whose GET route is running synchronously right now (most routes answer at once: no map write). */
  #current: Handshake | undefined;
  /** Handshakes whose GET route is still running (the WeakMap cannot say). */
  #running = 0;

  [SIZES](): Sizes {
    return { "router.handshakes": this.#running };
  }

  /**
   * Runs `handler` (the GET route) for a handshake; `router.upgrade()` or its answer decides the admission. A grant
   * keeps `params` for the connection (`paramsOf(ws)`), not the engine's any-path match: a string kept per
   * connection, allocated among the upgrade's garbage, pins far more memory than its own bytes (issue 16).
   */
  admit(req: Request, handler: (req: RouterRequest) => unknown, params: Params, sources: RouteSources): Admission | Promise<Admission> {
    const handshake: Handshake = { req, sources, grant: undefined };
    const previous = this.#current;
    this.#current = handshake;
    this.#running++;
    let answer: unknown;
    try {
      answer = handler(withParams(req, params));
    } catch (error) {
      this.#running--;
      throw error;
    } finally {
      this.#current = previous;
    }
    if (!isThenable(answer)) {
      this.#running--;
      return settle(handshake, answer, params);
    }
    this.#open.set(req, handshake);
    const done = (): void => {
      this.#open.delete(req);
      this.#running--;
    };
    return Promise.resolve(answer).then(
      (settled) => {
        done();
        return settle(handshake, settled, params);
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  /**
   * `router.upgrade`: true when `req` is a handshake this Router is admitting; the engine upgrades it with these
   * options once the route returns (its response is then ignored).
   */
  upgrade(req: Request, options: UpgradeOptions<unknown>): boolean {
    const current = this.#current;
    const handshake = current !== undefined && current.req === req ? current : this.#open.get(req);
    if (handshake === undefined || handshake.grant !== undefined) return false;
    // Bun would refuse a handshake without a key: answer false now, so the route's `if (!upgraded)` branch runs.
    if (req.headers.get("sec-websocket-key") === null) return false;
    const admission = readDecision({ data: options.data, headers: options.headers, user: options.user }, handshake.sources.upgrade);
    if (admission instanceof Response) return false;
    handshake.grant = admission;
    return true;
  }
}

/** The route returned: `router.upgrade`'s grant, else its answer read by the named Router rule. */
function settle(handshake: Handshake, answer: unknown, params: Params): Admission {
  const admission = handshake.grant ?? readRouteAnswer(answer, handshake.sources.answer);
  if (!(admission instanceof Response)) admission.params = params;
  return admission;
}
