// One HTTP request through the App: build the chain for its method and path, run it, and turn how it ended into a
// Response. Synchronous handlers give a synchronous answer (no promise per request). When the chain ends without
// an answer: 404 if a route matched (all its handlers passed), else OPTIONS → 204 with Allow, another method on a
// routed path → 405 with Allow, else the engine's 404 (426 on a WebSocket-only path). Headers middleware set
// (CORS, cookies) stay on these answers and on error answers, so a browser can read them.

import type { Server } from "bun";
import { logError, NO_PARAMS, pathnameOf, type Engine } from "../engine/index.ts";
import { isThenable } from "../engine/thenable.ts";
import { errorAnswer } from "./http-errors.ts";
import type { LayerStack } from "./layers.ts";
import { runChain, type ChainOutcome } from "./middleware-chain.ts";
import { BunwireRequest, type RequestSettings } from "./request.ts";
import { BunwireResponse, withHeaders } from "./response.ts";

export interface HttpContext {
  readonly stack: LayerStack;
  readonly settings: RequestSettings;
  readonly engine: Engine;
}

export function handleHttp(app: HttpContext, raw: Request, server: Server<unknown>): Response | Promise<Response> {
  let req: BunwireRequest<any> | undefined;
  let res: BunwireResponse | undefined;
  try {
    const pathname = pathnameOf(raw.url);
    const chain = app.stack.chainFor(raw.method, pathname);
    req = new BunwireRequest(raw, server, pathname, NO_PARAMS, app.settings, chain.bodyLimit ?? app.settings.bodyLimit);
    res = new BunwireResponse(req);
    const outcome = runChain(chain.steps, req, res);
    const done = (settled: ChainOutcome): Response => finish(app, settled, req!, res!, pathname, chain.routed);
    return isThenable(outcome) ? outcome.then(done, (error: unknown) => failed(app, error, raw, res)) : done(outcome);
  } catch (error) {
    return failed(app, error, raw, res);
  }
}

function finish(app: HttpContext, outcome: ChainOutcome, req: BunwireRequest<any>, res: BunwireResponse, pathname: string, routed: boolean): Response {
  try {
    if (outcome.kind === "answered") return res.toResponse();
    if (outcome.kind === "failed") return failed(app, outcome.error, req.raw, res);
    if (routed) return plain(404, `Cannot ${req.method} ${pathname}`, res);
    const allowed = app.stack.allowedMethods(pathname);
    if (allowed.size > 0) {
      const allow = [...allowed].join(", ");
      if (req.method === "OPTIONS") return plain(204, null, res, [["Allow", allow]]);
      return plain(405, `${req.method} is not allowed on ${pathname}; allowed: ${allow}`, res, [["Allow", allow]]);
    }
    const fallback = app.engine.notFound(req.raw);
    return carry(fallback, res);
  } catch (error) {
    return failed(app, error, req.raw, res);
  }
}

/** The answer to an error no error middleware took. */
function failed(app: HttpContext, error: unknown, raw: Request, res: BunwireResponse | undefined): Response {
  const answer = errorAnswer(error);
  if (answer.report) {
    try {
      app.engine.onError(error, { kind: "http", request: raw });
    } catch (hookError) {
      logError(hookError, { kind: "http", request: raw });
    }
  }
  return plain(answer.status, answer.body, res, answer.headers);
}

/** The headers middleware set, minus the ones that described a body this answer replaces. */
function kept(res: BunwireResponse | undefined): Headers {
  const headers = new Headers();
  let set: Headers | undefined;
  try {
    set = res?.headersIfSet;
  } catch {
    set = undefined;
  }
  for (const [name, value] of set ?? []) if (!name.startsWith("content-")) headers.append(name, value);
  return headers;
}

function plain(status: number, body: string | null, res: BunwireResponse | undefined, extra: Array<[string, string]> = []): Response {
  const headers = kept(res);
  for (const [name, value] of extra) headers.set(name, value);
  if (body !== null) headers.set("Content-Type", "text/plain; charset=utf-8");
  return new Response(body, { status, headers });
}

function carry(response: Response, res: BunwireResponse): Response {
  const headers = kept(res);
  return headers.keys().next().done ? response : withHeaders(response, headers);
}
