// `cors(options)`: which web pages may read the App's HTTP responses (CORS, with the `cors` package's options
// and defaults). It answers preflights (`OPTIONS` with Access-Control-Request-Method) itself. WebSocket upgrades
// pass through untouched: browsers apply no CORS to WebSockets, whose origin check is `bunwire({ allowedOrigins })`.

import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import { BunwireError, isUpgradeRequest } from "../engine/index.ts";
import { isThenable } from "../engine/thenable.ts";
import type { Middleware } from "./middleware-chain.ts";
import { BOOLEAN, checkOptionValues, NAMES, SECONDS, STATUS } from "../engine/option-values.ts";
import type { BunwireRequest } from "./request.ts";
import type { BunwireResponse } from "./response.ts";

/** An origin a page may have: exact (`https://app.example.com`), a `https://*.example.com` wildcard, or a RegExp. */
export type OriginPattern = string | RegExp;

/** The function form decides per request: true (allow this origin), false, or the exact value to send. */
export type OriginDecider = (origin: string | undefined, req: BunwireRequest<any>) => boolean | string | Promise<boolean | string>;

export interface CorsOptions {
  /**
   * Who may read responses. `"*"` (default): anyone, sent as `*` (or, with `credentials`, the request's own origin);
   * `true`: reflect any origin; `false`: no CORS headers; a pattern or a list of patterns; or a function.
   */
  origin?: boolean | "*" | OriginPattern | readonly OriginPattern[] | OriginDecider;
  /** Methods a preflight allows (default GET, HEAD, PUT, PATCH, POST, DELETE). */
  methods?: string | readonly string[];
  /** Request headers a preflight allows (default: the ones the browser asks for). */
  allowedHeaders?: string | readonly string[];
  /** Response headers scripts may read beyond the CORS-safelisted ones. */
  exposedHeaders?: string | readonly string[];
  /** Allow cookies and Authorization (`Access-Control-Allow-Credentials: true`); never sent with `*`. */
  credentials?: boolean;
  /** How long browsers may cache a preflight, in **seconds** (Access-Control-Max-Age's unit, as in `cors`). */
  maxAge?: number;
  /** Pass preflights on to your own OPTIONS route instead of answering them (default false). */
  preflightContinue?: boolean;
  /** Status of a preflight answer (default 204). */
  optionsSuccessStatus?: number;
}

function list(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(", ");
}

/** An exact origin or a `scheme://*.domain` wildcard (one or more subdomain labels) as a test. */
export function originMatcher(pattern: OriginPattern): (origin: string) => boolean {
  if (pattern instanceof RegExp) return (origin) => {
    pattern.lastIndex = 0;
    return pattern.test(origin);
  };
  if (typeof pattern !== "string") throw new BunwireError("INVALID_OPTION", `cors(): an origin must be a string or a RegExp, got ${typeof pattern}`);
  if (!pattern.includes("*")) return (origin) => origin === pattern;
  const at = pattern.indexOf("://*.");
  if (at === -1 || pattern.indexOf("*", at + 4) !== -1) throw new BunwireError("INVALID_OPTION", `cors(): "${pattern}" is not an origin; wildcards look like https://*.example.com`);
  const scheme = pattern.slice(0, at + 3);
  const domain = pattern.slice(at + 4);
  return (origin) => origin.startsWith(scheme) && origin.endsWith(domain) && /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/i.test(origin.slice(scheme.length, origin.length - domain.length));
}

type Decide = (origin: string | undefined, req: BunwireRequest<any>) => string | false | Promise<string | false>;

function decider(option: CorsOptions["origin"], credentials: boolean): Decide {
  if (option === undefined || option === "*") return (origin) => (credentials ? (origin ?? false) : "*");
  if (option === true) return (origin) => origin ?? false;
  if (option === false) return () => false;
  if (typeof option === "function") {
    const read = (answer: boolean | string, origin: string | undefined): string | false => (answer === true ? (origin ?? false) : typeof answer === "string" ? answer : false);
    return (origin, req) => {
      const answer = option(origin, req);
      return isThenable(answer) ? Promise.resolve(answer).then((settled) => read(settled, origin)) : read(answer, origin);
    };
  }
  const matchers = (Array.isArray(option) ? option : [option]).map((pattern: OriginPattern) => originMatcher(pattern));
  return (origin) => (origin !== undefined && matchers.some((matches) => matches(origin)) ? origin : false);
}

const CORS_KEYS = optionKeys<CorsOptions>({ origin: true, methods: true, allowedHeaders: true, exposedHeaders: true, credentials: true, maxAge: true, preflightContinue: true, optionsSuccessStatus: true });
// `origin` is checked entry by entry when it is compiled (originMatcher), with a message naming the entry.
const CORS_RULES = { methods: NAMES, allowedHeaders: NAMES, exposedHeaders: NAMES, credentials: BOOLEAN, maxAge: SECONDS, preflightContinue: BOOLEAN, optionsSuccessStatus: STATUS };

export function cors(options: CorsOptions = {}): Middleware {
  checkOptionNames(options, CORS_KEYS, "cors()");
  checkOptionValues(options, CORS_RULES, "cors()");
  const credentials = options.credentials === true;
  const decide = decider(options.origin, credentials);
  const varies = options.origin !== undefined && options.origin !== "*" ? true : credentials;
  const methods = list(options.methods) ?? "GET, HEAD, PUT, PATCH, POST, DELETE";
  const allowedHeaders = list(options.allowedHeaders);
  const exposedHeaders = list(options.exposedHeaders);
  const maxAge = options.maxAge === undefined ? undefined : String(Math.floor(options.maxAge));
  const status = options.optionsSuccessStatus ?? 204;

  const apply = (allowed: string | false, req: BunwireRequest<any>, res: BunwireResponse, next: (error?: unknown) => void): void => {
    if (varies) res.vary("Origin");
    if (allowed === false) return next();
    res.set("Access-Control-Allow-Origin", allowed);
    if (credentials && allowed !== "*") res.set("Access-Control-Allow-Credentials", "true");
    const preflight = req.method === "OPTIONS" && req.raw.headers.has("access-control-request-method");
    if (!preflight) {
      if (exposedHeaders !== undefined) res.set("Access-Control-Expose-Headers", exposedHeaders);
      return next();
    }
    res.set("Access-Control-Allow-Methods", methods);
    const requested = req.raw.headers.get("access-control-request-headers");
    if (allowedHeaders !== undefined) res.set("Access-Control-Allow-Headers", allowedHeaders);
    else if (requested !== null) res.set("Access-Control-Allow-Headers", requested).vary("Access-Control-Request-Headers");
    if (maxAge !== undefined) res.set("Access-Control-Max-Age", maxAge);
    if (options.preflightContinue === true) return next();
    res.status(status).end();
  };

  return (req, res, next) => {
    if (isUpgradeRequest(req.raw)) return next();
    const origin = req.raw.headers.get("origin") ?? undefined;
    const allowed = decide(origin, req);
    if (isThenable(allowed)) return allowed.then((settled) => apply(settled, req, res, next));
    apply(allowed, req, res, next);
  };
}
