// Admission, read one way for every front door. A decision (App `upgrade()` after middleware, a Router GET route,
// a file route's `upgrade()`, a gateway's `@OnUpgrade()`), sync or a promise of one, becomes a Grant or a refusal:
//   true / undefined              → admit with the front door's default data
//   false                         → 403 UPGRADE_REFUSED
//   { data?, headers?, user? }    → admit; `data` is ws.data as given, `headers` go on the 101, `user` is the identity
//   a Response with status >= 400 → refuse with it
//   anything else                 → 500 INVALID_DECISION, reported once with the route named
// Two front-door rules live here too, by name: the App's (any response its middleware sends refuses) and the
// Router's (a GET route answering < 400 without `router.upgrade()` lets the upgrade go on with the default data).

import { BunwireError } from "./errors.ts";
import { toUser, type UserInit } from "./identity.ts";
import type { Params } from "./path-pattern.ts";
import type { Admission, Grant, HeadersLike } from "./socket-route.ts";
import { isThenable } from "./thenable.ts";

/** Admit, with what becomes `ws.data`, extra headers on the 101, and the connection's user. */
export interface AdmitDecision<Data = unknown> {
  data?: Data;
  headers?: HeadersLike;
  user?: UserInit;
}

/** What an admission hook returns: see the table at the top of src/engine/admission.ts. */
export type Decision<Data = unknown> = boolean | undefined | void | Response | AdmitDecision<Data>;

/** A decision, or a promise of one. */
export type MaybeDecision<Data = unknown> = Decision<Data> | PromiseLike<Decision<Data>>;

/** How one front door reads decisions: where they come from (for errors) and its default `ws.data`. */
export interface DecisionSource {
  /** Names the hook in an INVALID_DECISION error: `WS /chat/:room upgrade()`, `ChatGateway.auth()`. */
  readonly where: string;
  /** `ws.data` for `true` / `undefined` / a decision without `data` (a fresh object per connection). */
  defaultData(): unknown;
  /** The front door's per-connection context (`contextOf(ws)`). */
  readonly context?: unknown;
}

const ADMIT_KEYS = new Set(["data", "headers", "user"]);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Response) return `a Response with status ${value.status}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object") return `{ ${Object.keys(value).join(", ")} }`;
  return `${typeof value} ${String(value)}`;
}

export function invalidDecision(where: string, value: unknown): BunwireError {
  const hint = value !== null && typeof value === "object" && !(value instanceof Response)
    ? "; admit with { data, headers, user } (put your own values under data)"
    : "; return true or undefined to admit, { data, headers, user } to admit with data, false or a Response with status >= 400 to refuse";
  return new BunwireError("INVALID_DECISION", `${where} returned ${describe(value)}${hint}`, { status: 500 });
}

/** The one reading of a settled decision. Throws INVALID_DECISION (500) for anything outside the table. */
export function readDecision(decision: unknown, source: DecisionSource): Admission {
  if (decision === true || decision === undefined) return { data: source.defaultData(), context: source.context };
  if (decision === false) return refusal(new BunwireError("UPGRADE_REFUSED", `${source.where} refused the upgrade`, { status: 403 }));
  if (decision instanceof Response) {
    if (decision.status >= 400) return decision;
    throw invalidDecision(source.where, decision);
  }
  if (decision === null || typeof decision !== "object" || Array.isArray(decision) || isThenable(decision)) throw invalidDecision(source.where, decision);
  for (const key of Object.keys(decision)) if (!ADMIT_KEYS.has(key)) throw invalidDecision(source.where, decision);
  const { data, headers, user } = decision as AdmitDecision;
  if (headers !== undefined && (headers === null || typeof headers !== "object")) throw invalidDecision(source.where, decision);
  const grant: Grant = { data: data === undefined ? source.defaultData() : data, context: source.context };
  if (headers !== undefined) grant.headers = headers;
  const identity = toUser(user, source.where);
  if (identity !== undefined) grant.user = identity;
  return grant;
}

/** Reads a decision that may still be pending; stays synchronous when it is not. */
export function readMaybeDecision(decision: unknown, source: DecisionSource): Admission | Promise<Admission> {
  if (!isThenable(decision)) return readDecision(decision, source);
  return Promise.resolve(decision).then((settled) => readDecision(settled, source));
}

/**
 * The Router's named rule: a GET route that answers a status below 400 without calling `router.upgrade()` lets
 * the upgrade go on with the default data (`router.get("/", () => new Response("WebSocket Server"))` on the path
 * a client connects to). Every other answer is read as a decision.
 */
export function readRouteAnswer(answer: unknown, source: DecisionSource): Admission {
  if (answer instanceof Response && answer.status < 400) return { data: source.defaultData(), context: source.context };
  return readDecision(answer, source);
}

/** The App's named rule: whatever its middleware sent (any status) refuses the upgrade as it is. */
export function refuseWithAnswer(answer: Response): Response {
  return answer;
}

/** The code a refusal was built from, read back by the upgrade pipeline to count and log it. */
export const REFUSAL_CODE: unique symbol = Symbol("bunwire.refusalCode");

/** The code of a refusing Response: its bunwire code, else UPGRADE_REFUSED (a Response your own code built). */
export function refusalCode(response: Response): string {
  return (response as Response & { [REFUSAL_CODE]?: string })[REFUSAL_CODE] ?? "UPGRADE_REFUSED";
}

/** The one refusal builder: the error's status, its code and message as the body, and any extra headers. */
export function refusal(error: BunwireError, headers?: HeadersLike): Response {
  const response = new Response(`${error.code}: ${error.message}`, { status: error.status ?? 400, headers });
  (response as Response & { [REFUSAL_CODE]?: string })[REFUSAL_CODE] = error.code;
  return response;
}

/** The first param that names a reserved (`$`) topic, if any: `/chat/%24all` would reach the protocol's `$all`. */
export function reservedParam(params: Params): string | undefined {
  for (const key in params) {
    const value = params[key]!;
    if (value.charCodeAt(0) === 36 /* $ */) return value;
  }
  return undefined;
}
