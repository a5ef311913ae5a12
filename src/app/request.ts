// The Express-style request every App handler and middleware receives, for HTTP and for upgrades alike; it stays
// on `ws.data.req` for the life of the socket, so `get()` and `session` still work in WebSocket handlers.

import type { Server } from "bun";
import { clientIp } from "../engine/client-ip.ts";
import type { Params, TrustProxy, UserInit } from "../engine/index.ts";
import type { Session } from "./session.ts";

export type Query = Record<string, string | string[]>;

export class BunwireRequest<P extends object = Params> {
  /** The Fetch API request Bun received. */
  readonly raw: Request;
  readonly method: string;
  readonly path: string;
  /** Route params of the route now running, URL-decoded. */
  params: P;
  /** The parsed body: JSON, urlencoded fields or text, by Content-Type; `undefined` otherwise (read `raw`).
   *  Typed `any` as in Express: validate it (zod, valibot) before trusting it. */
  body: any = undefined;
  /** Set by the `session()` middleware. */
  session!: Session;
  /** Who the connection belongs to: set it in middleware before an upgrade (`"ada"` or `{ id, ...meta }`). */
  user?: UserInit;
  readonly #server: Server<unknown>;
  readonly #trustProxy: TrustProxy;
  #query: Query | undefined;
  #cookies: Record<string, string> | undefined;

  constructor(raw: Request, server: Server<unknown>, path: string, params: P, trustProxy: TrustProxy = false) {
    this.raw = raw;
    this.method = raw.method;
    this.path = path;
    this.params = params;
    this.#server = server;
    this.#trustProxy = trustProxy;
  }

  get url(): string {
    return this.raw.url;
  }

  get headers(): Headers {
    return this.raw.headers;
  }

  /** A request header, case-insensitive (`req.get("user-agent")`). */
  get(name: string): string | undefined {
    return this.raw.headers.get(name) ?? undefined;
  }

  header(name: string): string | undefined {
    return this.get(name);
  }

  /** Query string fields; a repeated field is an array. Parsed on first use. */
  get query(): Query {
    if (this.#query !== undefined) return this.#query;
    const query: Query = {};
    const at = this.raw.url.indexOf("?");
    if (at !== -1) {
      for (const [key, value] of new URLSearchParams(this.raw.url.slice(at + 1))) {
        const existing = query[key];
        query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
    }
    return (this.#query = query);
  }

  /** Cookies of the request, decoded. */
  get cookies(): Record<string, string> {
    if (this.#cookies !== undefined) return this.#cookies;
    const header = this.raw.headers.get("cookie");
    const cookies: Record<string, string> = {};
    if (header !== null) parseCookies(header, cookies);
    return (this.#cookies = cookies);
  }

  /** The client's address: the socket's peer, or X-Forwarded-For behind a trusted proxy (`trustProxy`). */
  get ip(): string {
    return clientIp(this.raw, this.#server, this.#trustProxy);
  }
}

function decode(value: string): string {
  if (value.indexOf("%") === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `a=1; b=2` into `cookies` by hand: no CookieMap and no iterator per request (the first of a repeated name wins). */
function parseCookies(header: string, cookies: Record<string, string>): void {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      const name = header.slice(start, eq).trim();
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
      if (name !== "" && !Object.hasOwn(cookies, name)) cookies[name] = decode(value);
    }
    start = end + 1;
  }
}
