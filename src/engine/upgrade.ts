// The one upgrade pipeline of every front door, in this order: route match (404) → reserved `$` params (400) →
// origin (403) → connection caps (503 / 429) → the front door's admission, bounded by `upgradeTimeout` (503) →
// subprotocol negotiation (400) → `server.upgrade` with the connection record waiting for `open`.

import { STATUS_CODES } from "node:http";
import type { Server } from "bun";
import { refusal, refusalCode, reservedParam } from "./admission.ts";
import { RETRY_AFTER, type ConnectionCaps } from "./caps.ts";
import { clientIp } from "./client-ip.ts";
import { bindingFor, Connection, type ConnectionEntry, type PendingConnections } from "./connection.ts";
import type { OpenConnections } from "./open-connections.ts";
import { BunwireError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { RateBucket } from "./message-rate.ts";
import type { ErrorSource } from "./options.ts";
import { pathnameOf, type Params } from "./path-pattern.ts";
import type { RouteMatch, RouteTable } from "./route-table.ts";
import { SharedStrings } from "./shared-strings.ts";
import type { ServerStats } from "./stats.ts";
import type { Admission, HeadersLike } from "./socket-route.ts";
import { redactText } from "./redact.ts";
import { negotiate } from "./subprotocol.ts";
import { isThenable } from "./thenable.ts";

/** A WebSocket route as the engine keeps it: the front door's route, the policy of its scope, its counters. */
export type SocketEntry = ConnectionEntry;

export interface UpgradeContext {
  readonly sockets: RouteTable<SocketEntry>;
  readonly pending: PendingConnections;
  readonly connections: OpenConnections;
  readonly logger: Logger;
  readonly development: boolean;
  /** Refusals are counted here (per route pattern, status and code). */
  readonly stats: ServerStats;
  report(error: unknown, source: ErrorSource): void;
}

type Answer = Response | undefined;

/** One handshake on its way through the pipeline (what the async steps need to finish it). */
interface Handshake {
  readonly req: Request;
  readonly server: Server<unknown>;
  readonly entry: SocketEntry;
  readonly params: Params;
  readonly pathname: string;
  /** Known when the pipeline needed it, or once the admission went async in a scope with a per-IP cap. */
  ip: string | undefined;
  /** A slot is held in the scope's caps until the socket closes or the upgrade is refused. */
  readonly reserved: boolean;
}

export class Upgrades {
  readonly #context: UpgradeContext;
  #serial = 0;
  /** Async admissions holding a slot in a scope with a per-IP cap: a lazy per-IP count that starts counts them. */
  readonly #waiting = new Set<Handshake>();
  /** Param values shared by the sockets that matched the same text (src/engine/shared-strings.ts). */
  readonly #paramValues = new SharedStrings();

  constructor(context: UpgradeContext) {
    this.#context = context;
  }

  handle(req: Request, server: Server<unknown>): Answer | Promise<Answer> {
    // Bun builds a new string on every `req.url`: read it once per upgrade and hand the path on.
    const pathname = pathnameOf(req.url);
    let match: RouteMatch<SocketEntry> | null;
    try {
      match = this.#context.sockets.match(pathname);
    } catch (error) {
      return this.#fail(req, pathname, undefined, error);
    }
    if (match === null) return this.#notFound(req, pathname);
    const { value: entry, params } = match;
    // A static route has no params to check.
    const reserved = match.pattern.isStatic ? undefined : reservedParam(params);
    if (reserved !== undefined) {
      return this.#refuse(req, pathname, entry.route.path, new BunwireError("RESERVED_TOPIC", `"${reserved}" starts with "$", which names bunwire's own topics`, { status: 400 }));
    }
    const policy = entry.policy;
    const origin = req.headers.get("origin");
    if (origin !== null && !policy.allowsOrigin(origin, req)) {
      return this.#refuse(req, pathname, entry.route.path, new BunwireError("ORIGIN_FORBIDDEN", `origin ${origin} is not allowed (allowedOrigins)`, { status: 403 }));
    }
    const caps = policy.caps;
    // The address is a native call: find it out only behind a trusted proxy or when a per-IP cap may refuse it.
    const ip = (caps !== null && caps.needsIp) || policy.trustProxy !== false ? clientIp(req, server, policy.trustProxy) : undefined;
    if (caps !== null) {
      const full = caps.reserve(ip, this.#held);
      if (full !== undefined) return this.#refuse(req, pathname, entry.route.path, full, RETRY_AFTER);
    }
    // Before admission, so whatever a front door builds from the params (a file route's ctx) holds the shared copies.
    if (!match.pattern.isStatic) this.#paramValues.shareParams(params);
    const handshake: Handshake = { req, server, entry, params, pathname, ip, reserved: caps !== null };
    let admission: Admission | Promise<Admission>;
    try {
      admission = entry.route.admit(req, server, params, pathname);
    } catch (error) {
      this.#release(handshake);
      return this.#fail(req, pathname, entry.route.path, error);
    }
    if (!isThenable(admission)) return this.#complete(handshake, admission);
    if (caps !== null && caps.countsIps) {
      // Other upgrades run while this one waits: its slot must be countable by address from now on.
      handshake.ip ??= clientIp(req, server, policy.trustProxy);
      this.#waiting.add(handshake);
    }
    return this.#await(handshake, admission);
  }

  readonly #held = (caps: ConnectionCaps): Iterable<string> => this.#addressesHeld(caps);

  /** The addresses of the slots `caps` holds: its open sockets (read from the socket if need be) and waiting admissions. */
  *#addressesHeld(caps: ConnectionCaps): Generator<string> {
    for (const [ws, connection] of this.#context.connections.matching({})) {
      // Kept on the connection, so its close gives the slot back under the same address.
      if (connection.policy.caps !== caps) continue;
      // A socket already closing may have no address left: it is not counted, and gives nothing back under one.
      const ip = (connection.ip ??= ws.remoteAddress || undefined);
      if (ip !== undefined) yield ip;
    }
    for (const handshake of this.#waiting) if (handshake.entry.policy.caps === caps && handshake.ip !== undefined) yield handshake.ip;
  }

  /** Waits for an async admission, up to `upgradeTimeout`; a late answer is ignored (the client got its 503). */
  #await(handshake: Handshake, pending: Promise<Admission>): Promise<Answer> {
    const { req, pathname, entry } = handshake;
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const timeout = entry.policy.upgradeTimeout;
      // Infinity: no deadline (a timer cannot take it: it would fire after 1 ms).
      const timer = timeout === Infinity ? undefined : setTimeout(() => {
        settled = true;
        this.#release(handshake);
        // A hung admission is the server's bug, not the client's: reported as well as refused.
        const error = new BunwireError("UPGRADE_TIMEOUT", `the admission of WS ${entry.route.path} did not decide within ${timeout} ms (upgradeTimeout)`, { status: 503 });
        this.#context.report(error, { kind: "upgrade", request: req, routePath: entry.route.path });
        resolve(this.#refuse(req, pathname, entry.route.path, error));
      }, timeout);
      pending.then(
        (admission) => {
          if (settled) return;
          clearTimeout(timer);
          resolve(this.#complete(handshake, admission));
        },
        (error: unknown) => {
          if (settled) return;
          clearTimeout(timer);
          this.#release(handshake);
          resolve(this.#fail(req, pathname, entry.route.path, error));
        },
      );
    });
  }

  #complete(handshake: Handshake, admission: Admission): Answer {
    if (this.#waiting.size !== 0) this.#waiting.delete(handshake);
    const { req, server, entry, pathname } = handshake;
    if (admission instanceof Response) {
      this.#release(handshake);
      const code = refusalCode(admission);
      this.#context.stats.refused(entry.route.path, admission.status, code);
      if (this.#context.development) this.#log(req, pathname, entry.route.path, admission.status, code, `refused by its admission (${entry.route.path})`);
      return admission;
    }
    const handlers = admission.handlers ?? entry.route.handlers;
    let headers = admission.headers;
    if (handlers.subprotocols !== undefined) {
      const negotiated = negotiate(req, handlers.subprotocols, headers);
      if (negotiated instanceof BunwireError) {
        this.#release(handshake);
        return this.#refuse(req, pathname, entry.route.path, negotiated);
      }
      headers = negotiated;
    }
    const rate = entry.policy.rate;
    let params = handshake.params;
    // A front door that matched its own params (the Router's GET route) shares their values too.
    if (admission.params !== undefined && admission.params !== params) this.#paramValues.shareParams((params = admission.params));
    const binding = bindingFor(entry, handlers, params, admission.context);
    const connection = new Connection(binding, admission.user, handshake.ip, ++this.#serial, rate === null ? null : new RateBucket(rate, Date.now()));
    const data = admission.data;
    const pending = this.#context.pending;
    pending.expect(data, connection);
    let upgraded = false;
    try {
      upgraded = server.upgrade(req, headers === undefined ? { data } : { data, headers });
    } finally {
      pending.settle(upgraded);
    }
    if (upgraded) return undefined;
    this.#release(handshake);
    // Bun answers a version other than 13 itself (426 with Sec-WebSocket-Version: 13): record what the client got.
    const version = req.headers.get("sec-websocket-version");
    if (version !== null && version !== "13") {
      return this.#refuse(req, pathname, entry.route.path, new BunwireError("UPGRADE_FAILED", `Sec-WebSocket-Version ${version} is not supported (only 13)`, { status: 426 }));
    }
    return this.#refuse(req, pathname, entry.route.path, new BunwireError("UPGRADE_FAILED", "the request is not a valid WebSocket handshake (Sec-WebSocket-Key, Sec-WebSocket-Version: 13)", { status: 400 }));
  }

  #release(handshake: Handshake): void {
    if (this.#waiting.size !== 0) this.#waiting.delete(handshake);
    if (handshake.reserved) handshake.entry.policy.caps!.release(handshake.ip);
  }

  #notFound(req: Request, pathname: string): Response {
    let known = "";
    if (this.#context.development) {
      const paths = [...this.#context.sockets.entries()].map(([path]) => path);
      known = paths.length === 0 ? " (this server has no WebSocket routes)" : ` (WebSocket routes: ${paths.join(", ")})`;
    }
    return this.#refuse(req, pathname, undefined, new BunwireError("ROUTE_NOT_FOUND", `no WebSocket route for ${pathname}${known}`, { status: 404 }));
  }

  /** `route` is the matched pattern (undefined: none matched); counted and, in development, logged. */
  #refuse(req: Request, pathname: string, route: string | undefined, error: BunwireError, headers?: HeadersLike): Response {
    const status = error.status ?? 400;
    this.#context.stats.refused(route ?? "none", status, error.code);
    if (this.#context.development) this.#log(req, pathname, route, status, error.code, error.message);
    return refusal(error, headers);
  }

  /**
   * A thrown admission: a BunwireError below 500 refuses with its status; anything else is reported and answered
   * with the error's 5xx status (a BunwireError's, as over HTTP) or 500, showing only the status text.
   */
  #fail(req: Request, pathname: string, routePath: string | undefined, error: unknown): Response {
    const status = error instanceof BunwireError ? error.status : undefined;
    if (status !== undefined && status < 500) return this.#refuse(req, pathname, routePath, error as BunwireError);
    const answered = status !== undefined && status <= 599 ? status : 500;
    this.#context.stats.refused(routePath ?? "none", answered, error instanceof BunwireError ? error.code : "HANDLER_ERROR");
    this.#context.report(error, routePath === undefined ? { kind: "http", request: req } : { kind: "upgrade", request: req, routePath });
    return new Response(STATUS_CODES[answered] ?? "Internal Server Error", { status: answered });
  }

  /** One line per refusal (development): the path without its query string, never a header but the Origin. */
  #log(req: Request, pathname: string, route: string | undefined, status: number, code: string, reason: string): void {
    const fields = { status, code, route, path: pathname, origin: req.headers.get("origin") ?? undefined };
    this.#context.logger.warn(fields, `[bunwire] upgrade to ${pathname} refused with ${status}: ${code}: ${redactText(reason)}`);
  }
}
