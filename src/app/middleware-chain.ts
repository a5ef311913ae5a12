// Runs Express-style `(req, res, next)` handlers in order. The outcome says how the chain ended: a handler
// answered (through `res`, or by returning a Response), every handler passed (`next()` past the last), one failed (a throw, a rejection, `next(err)`), or
// none did anything before the deadline. It settles synchronously when the handlers do, so a route without
// async middleware costs no promise; a timer is armed only when the chain is still open after the sync run.

import type { BunwireRequest } from "./request.ts";
import type { BunwireResponse } from "./response.ts";
import { BunwireError } from "../engine/errors.ts";
import { isThenable } from "../engine/thenable.ts";

/** `next()` passes on, `next(error)` fails (error middleware runs), `next("route")` skips the rest of the route. */
export type NextFunction = (error?: unknown) => void;
export type Middleware<Req = BunwireRequest<any>> = (req: Req, res: BunwireResponse, next: NextFunction) => unknown;
/** Error-handling middleware: four parameters, as in Express; it runs only after a failure. */
export type ErrorMiddleware<Req = BunwireRequest<any>> = (error: unknown, req: Req, res: BunwireResponse, next: NextFunction) => unknown;
export type Handler = Middleware | ErrorMiddleware;

export interface ChainStep {
  readonly handler: Handler;
  /** The params `req.params` holds while this handler runs. */
  readonly params: object;
  /** `req.baseUrl` while this handler runs: the path its middleware or router is mounted on (default ""). */
  readonly base?: string;
  /** The route this step belongs to: `next("route")` skips the steps that share it. */
  readonly route?: object;
  /**
   * The router stack this step was registered in, after the stacks that router is mounted in (outermost first). An
   * error middleware takes a failure only when its own stack is among the failing step's: a router's error handler
   * sees the errors of its own routes, not those of a sibling router (Express). Undefined: the App's own level.
   */
  readonly scopes?: readonly object[];
}

export type ChainOutcome = { kind: "answered" } | { kind: "passed" } | { kind: "failed"; error: unknown } | { kind: "timeout" };

const ANSWERED: ChainOutcome = { kind: "answered" };
const PASSED: ChainOutcome = { kind: "passed" };
const TIMEOUT: ChainOutcome = { kind: "timeout" };

export function runChain(steps: readonly ChainStep[], req: BunwireRequest<any>, res: BunwireResponse, timeoutMs?: number): ChainOutcome | Promise<ChainOutcome> {
  let outcome: ChainOutcome | undefined;
  let resolve: ((outcome: ChainOutcome) => void) | undefined;
  let timer: Timer | undefined;
  let index = 0;
  let failure: { error: unknown; scopes: readonly object[] | undefined } | undefined;
  /** The step running now: a failure is raised inside its scopes. */
  let current: ChainStep | undefined;

  const settle = (result: ChainOutcome): void => {
    if (outcome !== undefined) return;
    outcome = result;
    // What the request says after the chain (ws.data.req, the final 404) is relative to the app's root again.
    if (req.baseUrl !== "") req.baseUrl = "";
    if (timer !== undefined) clearTimeout(timer);
    resolve?.(result);
  };
  res.onFinish(() => settle(ANSWERED));

  const next: NextFunction = (error?: unknown) => {
    if (outcome !== undefined) return;
    if (error === "route") {
      // Express: skip the rest of this route's handlers and go on with the next matching layer.
      const route = index > 0 ? steps[index - 1]!.route : undefined;
      if (route !== undefined) while (index < steps.length && steps[index]!.route === route) index++;
    } else if (error === "router") {
      // Express: leave the router this step belongs to; the layers after it go on (at the App's level: nothing left).
      const scopes = current?.scopes;
      const router = scopes !== undefined && scopes.length > 1 ? scopes[scopes.length - 1] : undefined;
      if (router === undefined) index = steps.length;
      else while (index < steps.length && steps[index]!.scopes?.includes(router) === true) index++;
    } else if (error !== undefined && error !== null) {
      failure = { error, scopes: current?.scopes };
    }
    while (index < steps.length) {
      const step = steps[index++]!;
      const handlesErrors = step.handler.length === 4;
      if (handlesErrors !== (failure !== undefined)) continue;
      if (failure !== undefined && !inScope(step, failure.scopes)) continue;
      current = step;
      req.params = step.params;
      // Set only when it changes: a request no router is mounted for keeps no own `baseUrl` (request.ts).
      const base = step.base ?? "";
      if (req.baseUrl !== base) req.baseUrl = base;
      try {
        const result = failure === undefined
          ? (step.handler as Middleware)(req, res, next)
          : (() => {
              const pending = failure.error;
              failure = undefined;
              return (step.handler as ErrorMiddleware)(pending, req, res, next);
            })();
        // A handler written Fetch-style (`() => new Response(...)`, as on the Router) answers with what it returns,
        // rather than leaving the request open until the client gives up.
        if (result instanceof Response) {
          if (outcome === undefined && !res.headersSent) res.respond(result);
        } else if (isThenable(result)) {
          result.then(
            (value) => {
              if (value instanceof Response && outcome === undefined && !res.headersSent) res.respond(value);
            },
            (rejection: unknown) => next(rejection ?? new BunwireError("HANDLER_ERROR", `middleware rejected with ${String(rejection)}`)),
          );
        }
      } catch (thrown) {
        next(thrown ?? new BunwireError("HANDLER_ERROR", `middleware threw ${String(thrown)}`));
      }
      return;
    }
    settle(failure === undefined ? PASSED : { kind: "failed", error: failure.error });
  };

  next();
  if (outcome !== undefined) return outcome;
  return new Promise<ChainOutcome>((done) => {
    resolve = done;
    if (timeoutMs !== undefined) timer = setTimeout(() => settle(TIMEOUT), timeoutMs);
  });
}

/** Whether error middleware `step` may take a failure raised in `scopes` (its own router is one of them). */
function inScope(step: ChainStep, scopes: readonly object[] | undefined): boolean {
  const own = step.scopes;
  if (own === undefined || own.length <= 1 || scopes === undefined) return true;
  return scopes.includes(own[own.length - 1]!);
}
