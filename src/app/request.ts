// The Express-style request every App handler and middleware receives, for HTTP and for upgrades alike; it stays
// on `ws.data.req` for the life of the socket, so `get()` and `session` still work in WebSocket handlers. Once an
// upgrade is granted it lets Bun's `Request` go (`detach()`) and keeps its url, headers and address as strings.
// Everything is computed on first read: a request that only routes pays for none of it, and its body is read only
// when a matching route is about to run or a handler asks (`await req.json()`).

import type { Server } from "bun";
import { clientIp, forwardedIp, forwardedIps, type TrustProxy } from "../engine/client-ip.ts";
import { BunwireError } from "../engine/errors.ts";
import type { Params, Socket, UserInit } from "../engine/index.ts";
import { collectFields, DEFAULT_BODY_LIMIT, decodeText, parseBody, parseFormData, parseJson, readBytes } from "./body.ts";
import { findCookie, parseCookies } from "./cookie.ts";
import { headerIn, packHeaders, SPENT_HEADER, unpackHeaders, type SharedHeaderBlocks } from "./header-block.ts";
import type { KeptHeaders } from "./kept-headers.ts";
import { headersObject, type RequestHeaders } from "./request-headers.ts";
import type { Session } from "./session-data.ts";

export type Query = Record<string, string | string[]>;

/** What the App tells each request about itself (`bunwire({ trustProxy, bodyLimit })`). */
export interface RequestSettings {
  readonly trustProxy: TrustProxy;
  readonly bodyLimit: number;
  /** The App's table of header blocks its WebSocket requests share once detached. */
  readonly headerBlocks?: SharedHeaderBlocks;
  /** A detached request of an `app.ws` route with `keepHeaders`: the headers it kept. */
  readonly keptHeaders?: KeptHeaders;
}

export const DEFAULT_SETTINGS: RequestSettings = { trustProxy: false, bodyLimit: DEFAULT_BODY_LIMIT };

/** @internal the `app.param` callbacks that already ran for this request, with the value they saw. */
export const PARAM_CALLS: unique symbol = Symbol("bunwire.paramCalls");

/** What a request computes on first read and keeps: one object, made only when something is read. */
interface Memo {
  query?: Query;
  cookies?: Record<string, string>;
  headers?: RequestHeaders;
  ip?: string;
  /** A detached request's `raw`: a copy rebuilt on first read. */
  raw?: Request;
  body?: BodyState;
}

/** The body's state, created on first use (or at once for a route with its own body limit). */
interface BodyState {
  value: any;
  parsed: boolean;
  bytes: Promise<Uint8Array> | undefined;
  limit: number;
}

/** Reading the handshake's nonce once the socket is open: it was not kept (header-block.ts), and null would be a lie. */
function spentHeader(): BunwireError {
  return new BunwireError("HEADER_NOT_KEPT", `the "${SPENT_HEADER}" header is the handshake's nonce, spent once the socket opened: read it in middleware or upgrade(), or name it in keepHeaders`);
}

/** A detached request's path is a part of its kept string: its offset and length packed into one number. */
const PATH_SPAN = 2 ** 26;

/** Where a detached request's url ends in its kept string: at the first header line, if any. */
function urlEnd(kept: string): number {
  const end = kept.indexOf("\n");
  return end === -1 ? kept.length : end;
}

export class BunwireRequest<P extends object = Params> {
  readonly method: string;
  /** Route params of the route now running, URL-decoded. */
  params: P;
  // `session`, `user` and `baseUrl` are declared, not defined: a request gets them as own properties only when
  // middleware sets them (`baseUrl` reads "" from the prototype until then), so a WebSocket's `ws.data.req` that
  // no middleware touched carries no slot for them (issue 16: bytes per idle connection).
  /** Set by the `session()` middleware. */
  declare session: Session;
  /** Who the connection belongs to: set it in middleware before an upgrade (`"ada"` or `{ id, ...meta }`). */
  declare user?: UserInit;
  /** The path the running middleware or router is mounted on (`/api` inside `app.use("/api", router)`), else "". */
  declare baseUrl: string;
  declare [PARAM_CALLS]: Map<unknown, string> | undefined;
  // The path as routed; after `detach()`, while it is a part of the kept string, its offset and length
  // (`PATH_SPAN`): a short string kept per socket pins more memory than its bytes (bench/findings.md).
  #path: string | number;
  // Until `detach()`: the request Bun received. After: one string holding the absolute url, then the client's own
  // header lines (src/app/header-block.ts; the url holds no "\n", so the first one ends it); the shared lines are
  // the App's (`#shared`). The address is read on first use, from the socket once it is open (`bindSocket`):
  // finding it at upgrade would cost a native call each.
  #source: Request | string;
  #shared = "";
  // The server until `detach()`, then the socket the upgrade opened (`bindSocket`): where the address comes from.
  #peer: Server<unknown> | Socket<unknown> | undefined;
  // The App's settings; once detached on a route with `keepHeaders`, the route's copy of them (no field per socket).
  #settings: RequestSettings;
  // This object lives as long as an App WebSocket does: what only some requests need (parsed fields, the body's
  // state) is made when they need it, in one object.
  #memo: Memo | undefined;

  constructor(raw: Request, server: Server<unknown> | undefined, path: string, params: P, settings: RequestSettings = DEFAULT_SETTINGS, bodyLimit = settings.bodyLimit) {
    this.#source = raw;
    this.method = raw.method;
    this.#path = path;
    this.params = params;
    this.#peer = server;
    this.#settings = settings;
    this.#memo = bodyLimit === settings.bodyLimit ? undefined : { body: { value: undefined, parsed: false, bytes: undefined, limit: bodyLimit } };
  }

  #remember(): Memo {
    return (this.#memo ??= {});
  }

  #bodyState(value: any, parsed: boolean): BodyState {
    return (this.#remember().body ??= { value, parsed, bytes: undefined, limit: this.#settings.bodyLimit });
  }

  /** The Fetch API request Bun received (its `url` is absolute); on a WebSocket's `ws.data.req`, a copy of it. */
  get raw(): Request {
    const source = this.#source;
    if (typeof source !== "string") return source;
    return (this.#remember().raw ??= new Request(this.#absoluteUrl(), { method: this.method, headers: [...unpackHeaders(this.#ownLines(), this.#shared)] }));
  }

  /**
   * @internal The upgrade is granted: keep the url, the headers (src/app/header-block.ts) and the address, and drop the Fetch
   * `Request` with its native `Headers`, which would otherwise live as long as the socket (issue 16).
   */
  detach(keep?: KeptHeaders): void {
    const raw = this.#source;
    if (typeof raw === "string") return;
    const url = raw.url;
    if (keep !== undefined) this.#settings = keep.settingsFor(this.#settings);
    // One string per socket (the url, then the client's own header lines), and the url and path as offsets into
    // it: every string a socket keeps was allocated among its upgrade's garbage and pins far more memory than its
    // own bytes, a short one (a path, copied rather than shared when sliced) most of all (bench/findings.md).
    const [kept, shared] = packHeaders(raw.headers, this.#settings.headerBlocks, url, keep?.namesFor(this.#settings));
    this.#source = kept;
    this.#shared = shared;
    const pathname = this.#path as string;
    const start = url.indexOf(pathname, url.indexOf("//") + 2);
    if (start !== -1 && pathname.length < PATH_SPAN) this.#path = start * PATH_SPAN + pathname.length;
    this.#peer = undefined;
    // What middleware parsed before the upgrade (`req.headers`, `cookies`, `query`) is parsed again from what is kept
    // when a handler asks: the parsed copies hold every header value and cookie once more for the socket's life, and
    // on a `keepHeaders` route they would answer for headers that were not kept.
    const memo = this.#memo;
    if (memo !== undefined) this.#memo = memo.body === undefined ? undefined : { body: memo.body };
  }

  /** @internal The socket this request opened: `ip` reads its peer address from there once the Request is gone. */
  bindSocket(ws: Socket<unknown>): void {
    this.#peer = ws;
  }

  /** A request header (null when absent), read from the packed block once the Request is gone. */
  #header(name: string): string | null {
    const kept = this.#source;
    if (typeof kept !== "string") return kept.headers.get(name);
    const keptHeaders = this.#settings.keptHeaders;
    if (keptHeaders !== undefined) keptHeaders.check(name, this.#settings);
    else if (name.length === SPENT_HEADER.length && name.toLowerCase() === SPENT_HEADER) throw spentHeader();
    // The url before the lines holds no "\n", so a header line is found in the whole string.
    return headerIn(kept, this.#shared, name);
  }

  #absoluteUrl(): string {
    const kept = this.#source;
    return typeof kept !== "string" ? kept.url : kept.slice(0, urlEnd(kept));
  }

  /** A detached request's own header lines. */
  #ownLines(): string {
    const kept = this.#source as string;
    return kept.slice(urlEnd(kept));
  }

  #pathname(): string {
    const at = this.#path;
    if (typeof at === "string") return at;
    const start = Math.floor(at / PATH_SPAN);
    return (this.#source as string).slice(start, start + (at % PATH_SPAN));
  }

  /** The path below `baseUrl`, not decoded (`/users/42`): the whole path outside mounted middleware and routers. */
  get path(): string {
    const base = this.baseUrl;
    const path = this.#pathname();
    return base === "" ? path : path.slice(base.length) || "/";
  }

  /** The request target as the client sent it: `/api/users?page=2`. */
  get originalUrl(): string {
    const url = this.#absoluteUrl();
    const start = url.indexOf("/", url.indexOf("//") + 2);
    return start === -1 ? "/" : url.slice(start);
  }

  /** As in Express: `path` plus the query string, relative to `baseUrl`. The absolute URL is `req.raw.url`. */
  get url(): string {
    const original = this.originalUrl;
    if (this.baseUrl === "") return original;
    const query = original.indexOf("?");
    return query === -1 ? this.path : this.path + original.slice(query);
  }

  /** Headers as a plain object of lower-cased names (`req.headers["x-api-key"]`) that also has `get()`/`has()`. */
  get headers(): RequestHeaders {
    const source = this.#source;
    return (this.#remember().headers ??= headersObject(typeof source !== "string" ? source.headers : unpackHeaders(this.#ownLines(), this.#shared)));
  }

  /** A request header, case-insensitive (`req.get("user-agent")`); `Referrer` and `Referer` are one, as in Express. */
  get(name: string): string | undefined {
    const header = name.length === 8 && name.toLowerCase() === "referrer" ? "referer" : name;
    return this.#header(header) ?? undefined;
  }

  header(name: string): string | undefined {
    return this.get(name);
  }

  /** Query string fields; a repeated field is an array. Parsed on first use. */
  get query(): Query {
    const memo = this.#remember();
    if (memo.query !== undefined) return memo.query;
    const url = this.#absoluteUrl();
    const at = url.indexOf("?");
    return (memo.query = collectFields(at === -1 ? [] : new URLSearchParams(url.slice(at + 1))) as Query);
  }

  /** Cookies of the request, decoded. */
  get cookies(): Record<string, string> {
    const memo = this.#remember();
    if (memo.cookies !== undefined) return memo.cookies;
    const header = this.#header("cookie");
    const cookies: Record<string, string> = {};
    if (header !== null) parseCookies(header, cookies);
    return (memo.cookies = cookies);
  }

  /** @internal One cookie, decoded (what `cookies[name]` gives), without parsing the others when not done yet. */
  cookie(name: string): string | undefined {
    const cookies = this.#memo?.cookies;
    if (cookies !== undefined) return Object.hasOwn(cookies, name) ? cookies[name] : undefined;
    const header = this.#header("cookie");
    return header === null || name === "" ? undefined : findCookie(header, name);
  }

  /** The client's address: the socket's peer, or with `trustProxy` the one X-Forwarded-For names. */
  get ip(): string {
    const known = this.#memo?.ip;
    if (known !== undefined) return known;
    const source = this.#source;
    if (typeof source !== "string") return clientIp(source, this.#peer as Server<unknown> | undefined, this.#settings.trustProxy);
    const socket = this.#peer as Socket<unknown> | undefined;
    const forwarded = this.#settings.trustProxy === false ? null : this.#header("x-forwarded-for");
    return (this.#remember().ip = forwardedIp(forwarded, this.#settings.trustProxy) ?? socket?.remoteAddress ?? "");
  }

  /** With `trustProxy`: the X-Forwarded-For addresses it trusts, client first; otherwise empty (as in Express). */
  get ips(): string[] {
    const forwarded = this.#settings.trustProxy === false ? null : this.#header("x-forwarded-for");
    return forwardedIps(forwarded, this.#settings.trustProxy);
  }

  /** The Host header without its port (X-Forwarded-Host with `trustProxy`). */
  get hostname(): string {
    const host = this.#forwarded("x-forwarded-host") ?? this.#header("host") ?? "";
    const end = host.startsWith("[") ? host.indexOf("]") + 1 : host.indexOf(":");
    return end <= 0 ? host : host.slice(0, end);
  }

  /** "http" or "https" (X-Forwarded-Proto with `trustProxy`). */
  get protocol(): string {
    return this.#forwarded("x-forwarded-proto")?.toLowerCase() ?? (this.#absoluteUrl().startsWith("https:") ? "https" : "http");
  }

  get secure(): boolean {
    return this.protocol === "https";
  }

  /** True for `X-Requested-With: XMLHttpRequest`. */
  get xhr(): boolean {
    return this.#header("x-requested-with")?.toLowerCase() === "xmlhttprequest";
  }

  /**
   * The parsed body: JSON, urlencoded or multipart fields (files as `File`; a repeated field is an array) or text,
   * by Content-Type; `undefined` otherwise. Read when a matching route is about to run, so `use` middleware sees
   * it only after `await req.readBody()`. Typed `any` as in Express: validate it (zod, valibot) before trusting it.
   */
  get body(): any {
    return this.#memo?.body?.value;
  }
  set body(value: any) {
    const state = this.#bodyState(value, true);
    state.value = value;
    state.parsed = true;
  }

  /** The most body bytes this request may send (the App's `bodyLimit`, or its route's). */
  get bodyLimit(): number {
    return this.#memo?.body?.limit ?? this.#settings.bodyLimit;
  }

  /** The raw body bytes, read once, within the body limit (PAYLOAD_TOO_LARGE, 413, past it). */
  bytes(): Promise<Uint8Array> {
    const state = this.#bodyState(undefined, false);
    return (state.bytes ??= readBytes(this.raw, state.limit));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return decodeText(await this.bytes());
  }

  /** The body parsed as JSON whatever the Content-Type; INVALID_BODY (400) when it is not JSON. */
  async json<T = any>(): Promise<T> {
    return parseJson(await this.bytes()) as T;
  }

  /** Multipart or urlencoded body as Bun's FormData (files as `File`), within the body limit. */
  async formData(): Promise<FormData> {
    return parseFormData(await this.bytes(), this.#header("content-type") ?? "");
  }

  /** Reads and parses the body into `req.body` (once; a body set by middleware is kept). Resolves to it. */
  async readBody(): Promise<any> {
    const known = this.#memo?.body;
    if (known?.parsed === true) return known.value;
    // a detached request is a granted upgrade: a GET without a body
    const source = this.#source;
    if (typeof source === "string" || source.body === null) return (this.body = undefined);
    const state = this.#bodyState(undefined, false);
    const parsed = await parseBody(await this.bytes(), this.#header("content-type") ?? "");
    // Middleware may have set `req.body` while the bytes arrived: theirs wins.
    // (re-read through a cast: TypeScript keeps the narrowing from before the await)
    if ((state as { parsed: boolean }).parsed !== true) this.body = parsed;
    return state.value;
  }

  #forwarded(name: string): string | undefined {
    if (this.#settings.trustProxy === false) return undefined;
    const value = this.#header(name);
    if (value === null) return undefined;
    const first = value.split(",")[0]!.trim();
    return first === "" ? undefined : first;
  }
}

// Read when no middleware set one (see the declarations in the class).
Object.defineProperty(BunwireRequest.prototype, "baseUrl", { value: "", writable: true, enumerable: false, configurable: true });
