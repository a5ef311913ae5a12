// The Express-style response: handlers set status, headers and cookies and send a body; the App turns it into a
// Fetch Response. During an upgrade, what middleware set here rides on the 101 (a fresh session cookie, say).

import { STATUS_CODES } from "node:http";
import { isAbsolute, resolve } from "node:path";
import { BunwireError } from "../engine/index.ts";
import { serializeCookie, type CookieOptions } from "./cookie.ts";
import { mediaType } from "./media-type.ts";
import type { BunwireRequest } from "./request.ts";
import { checkOptionValues, NAME, type Rule } from "../engine/option-values.ts";
import { answerWithFile, DOTFILES, FILE_RULES, fileNotFound, statOrUndefined, type FileOptions } from "./send-file.ts";
import { realPathInside, realRootOf, resolveUnder, type Dotfiles } from "./static-paths.ts";

export type { CookieOptions } from "./cookie.ts";

/** `res.sendFile` options: the file answer's, plus a `root` that a relative path must stay inside. */
export interface SendFileOptions extends FileOptions {
  /** Resolve `path` under this directory; `..`, dotfiles (unless allowed) and symlinks out of it are refused. */
  root?: string;
  dotfiles?: Dotfiles;
}

const SEND_FILE_RULES = { ...FILE_RULES, root: NAME, dotfiles: DOTFILES } satisfies Record<keyof SendFileOptions, Rule>;

export class BunwireResponse {
  statusCode = 200;
  /** The request this response answers (undefined for a response built by hand). */
  readonly req: BunwireRequest<any> | undefined;
  #headers: Headers | undefined;
  #locals: Record<string, unknown> | undefined;
  #body: BodyInit | null = null;
  #adopted: Response | undefined;
  #finished = false;
  #onFinish: (() => void) | undefined;
  /** Created by the first hook: most requests and upgrades register none. */
  #beforeSend: Array<() => void> | undefined;
  #ranBeforeSend = false;

  constructor(req?: BunwireRequest<any>) {
    this.req = req;
  }

  /** Per-request values for later handlers; on an upgrade they are copied into `ws.data`. Made on first use. */
  get locals(): Record<string, unknown> {
    return (this.#locals ??= {});
  }

  set locals(values: Record<string, unknown>) {
    this.#locals = values;
  }

  /** @internal `locals` if anything made it, else undefined (most requests and upgrades never touch it). */
  get localsIfSet(): Record<string, unknown> | undefined {
    return this.#locals;
  }

  /** The response headers, created on first use (most upgrades set none). */
  get headers(): Headers {
    return (this.#headers ??= new Headers());
  }

  /**
   * The headers to send, or undefined when none were set (no Headers object is created). Reading it runs the
   * before-send hooks first (once), so an upgrade's 101 carries what they add, such as a new session's cookie.
   */
  get headersIfSet(): Headers | undefined {
    this.#runBeforeSend();
    return this.#headers;
  }

  /** True once a body was sent: the chain stops and the request is answered. */
  get headersSent(): boolean {
    return this.#finished;
  }

  /** The status to answer with: 200-599, what a Fetch Response can carry (Express also takes 1xx and 6xx-9xx). */
  status(code: number): this {
    if (!Number.isInteger(code) || code < 200 || code > 599) throw new BunwireError("INVALID_STATUS", `res.status(${code}): a response's status is an integer from 200 to 599`);
    this.statusCode = code;
    return this;
  }

  /** Sets a header (an array: one line per value, as Set-Cookie needs), or several from an object. */
  set(name: string, value: string | readonly string[]): this;
  set(fields: Record<string, string | readonly string[]>): this;
  set(name: string | Record<string, string | readonly string[]>, value?: string | readonly string[]): this {
    if (typeof name === "string") this.#setOne(name, value ?? "");
    else for (const [key, field] of Object.entries(name)) this.#setOne(key, field);
    return this;
  }

  #setOne(name: string, value: string | readonly string[]): void {
    if (typeof value === "string") {
      // As Express: a text, JSON or JavaScript Content-Type set without a charset gets UTF-8's.
      if (name.length === 12 && name.toLowerCase() === "content-type" && TAKES_CHARSET.test(value) && !/;\s*charset=/i.test(value)) value = `${value}; charset=utf-8`;
      this.headers.set(name, value);
      return;
    }
    this.headers.delete(name);
    for (const one of value) this.headers.append(name, one);
  }

  header(name: string, value: string | readonly string[]): this {
    return this.set(name, value);
  }

  /** Adds a header line (an array: one per value), after those already set. */
  append(name: string, value: string | readonly string[]): this {
    for (const one of typeof value === "string" ? [value] : value) this.headers.append(name, one);
    return this;
  }

  get(name: string): string | undefined {
    return this.#headers?.get(name) ?? undefined;
  }

  /** Content-Type, with Express's shorthands: `type("json")`, `type(".png")`, `type("html")`. */
  type(contentType: string): this {
    return this.set("Content-Type", mediaType(contentType));
  }

  /**
   * Sets the Location header (use `redirect()` to answer with it), percent-encoded as Express does (spaces, non-ASCII;
   * existing escapes kept). `"back"` is the request's Referer, else "/".
   */
  location(url: string): this {
    const target = url === "back" ? (this.req?.get("referer") ?? "/") : url;
    return this.set("Location", encodeUrl(target));
  }

  /** Adds `field` to the Vary header unless it is already there. */
  vary(field: string): this {
    const current = this.get("Vary");
    if (current === undefined || current === "") return this.set("Vary", field);
    const present = current.split(",").map((name) => name.trim().toLowerCase());
    if (present.includes("*") || present.includes(field.toLowerCase())) return this;
    return this.set("Vary", `${current}, ${field}`);
  }

  /** Content-Disposition: attachment (with the file name, whose extension also sets Content-Type). */
  attachment(filename?: string): this {
    if (filename === undefined) return this.set("Content-Disposition", "attachment");
    const name = filename.slice(Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\")) + 1);
    const dot = name.lastIndexOf(".");
    if (dot > 0) this.type(name.slice(dot));
    const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return this.set("Content-Disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  }

  /** `maxAge` counts milliseconds, as in Express. Default `Path=/`, `SameSite=Lax`. */
  cookie(name: string, value: string, options: CookieOptions = {}): this {
    this.headers.append("Set-Cookie", serializeCookie(name, value, options));
    return this;
  }

  clearCookie(name: string, options: CookieOptions = {}): this {
    return this.cookie(name, "", { ...options, expires: new Date(0), maxAge: 0 });
  }

  // The answering methods return `res`, as in Express (`res.status(201).json(x)` chains before them; nothing useful
  // chains after them: a second answer is ignored with a warning).
  json(value: unknown): this {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "application/json; charset=utf-8");
    this.#finish(JSON.stringify(value) ?? "null");
    return this;
  }

  text(value: string): this {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "text/plain; charset=utf-8");
    this.#finish(value);
    return this;
  }

  html(value: string): this {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "text/html; charset=utf-8");
    this.#finish(value);
    return this;
  }

  /** Strings go as HTML (as in Express), bytes as octet-stream (a Blob as its own type), anything else as JSON. */
  send(body?: string | Uint8Array | ArrayBuffer | Blob | object | null): this {
    if (body === undefined || body === null) this.#finish(null);
    else if (typeof body === "string") this.html(body);
    else if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob) {
      const type = body instanceof Blob && body.type !== "" ? body.type : "application/octet-stream";
      if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", type);
      this.#finish(body as BodyInit);
    } else this.json(body);
    return this;
  }

  /**
   * Answers with a file (Bun.file: ETag, Last-Modified, 304, Range, content type). `path` is absolute, or relative
   * to `options.root`, which it may not leave. Returns a promise (Express takes a callback): a missing file
   * rejects with FILE_NOT_FOUND (404), which reaches error middleware when the handler returns or awaits it.
   */
  async sendFile(path: string, options: SendFileOptions = {}): Promise<void> {
    checkOptionValues(options, SEND_FILE_RULES, `res.sendFile("${path}")`);
    let target: string;
    if (options.root !== undefined) {
      const root = resolve(options.root);
      const under = resolveUnder(root, path, options.dotfiles);
      if (under === "dotfile") throw fileNotFound(path);
      const real = await realPathInside(await realRootOf(root), under);
      if (real === undefined) throw fileNotFound(path);
      target = real;
    } else if (isAbsolute(path)) {
      target = path;
    } else {
      throw new BunwireError("INVALID_OPTION", `res.sendFile("${path}"): the path must be absolute, or relative to a \`root\` option`);
    }
    const stats = await statOrUndefined(target);
    if (stats === undefined || !stats.isFile()) throw fileNotFound(path);
    answerWithFile(this.req, this, target, stats, options);
  }

  /** `sendFile` as an attachment named `filename` (default: the file's own name). */
  download(path: string, filename?: string, options: SendFileOptions = {}): Promise<void> {
    this.attachment(filename ?? path.slice(path.lastIndexOf("/") + 1));
    return this.sendFile(path, options);
  }

  /** The status and its reason phrase as text ("Not Found"); 204 and 304 carry no body. */
  sendStatus(code: number): this {
    if (code === 204 || code === 304) return this.status(code).end();
    return this.status(code).text(STATUS_CODES[code] ?? String(code));
  }

  end(body?: string | Uint8Array): this {
    this.#finish((body ?? null) as BodyInit | null);
    return this;
  }

  redirect(url: string): void;
  redirect(status: number, url: string): void;
  redirect(statusOrUrl: number | string, url?: string): void {
    const [status, location] = typeof statusOrUrl === "number" ? [statusOrUrl, url ?? "/"] : [302, statusOrUrl];
    this.status(status).location(location);
    this.#finish(null);
  }

  /** Answers with a Fetch Response as it is (a mounted Router's route), keeping headers set on `res` so far. */
  respond(response: Response): void {
    this.#adopted = response;
    this.#finish(null);
  }

  /** Runs just before the response is built (the session store saves here). */
  beforeSend(hook: () => void): void {
    (this.#beforeSend ??= []).push(hook);
  }

  /** @internal the middleware chain learns here that the request was answered. */
  onFinish(callback: () => void): void {
    this.#onFinish = callback;
  }

  toResponse(): Response {
    this.#runBeforeSend();
    const adopted = this.#adopted;
    if (adopted !== undefined) {
      if (this.#headers === undefined || this.#headers.keys().next().done === true) return adopted;
      return withHeaders(adopted, this.#headers);
    }
    const status = this.statusCode;
    if (status === 204 || status === 304) {
      // No body, so nothing describes one (Express strips them too): a 204 from `res.status(204).json(x)` is empty.
      const headers = this.headers;
      headers.delete("Content-Type");
      headers.delete("Content-Length");
      return new Response(null, { status, headers });
    }
    return new Response(this.#body, { status, headers: this.headers });
  }

  #runBeforeSend(): void {
    if (this.#ranBeforeSend) return;
    this.#ranBeforeSend = true;
    const hooks = this.#beforeSend;
    if (hooks !== undefined) for (const hook of hooks) hook();
  }

  #finish(body: BodyInit | null): void {
    if (this.#finished) {
      console.warn("[bunwire] a response was sent twice; the second one is ignored");
      return;
    }
    this.#finished = true;
    this.#body = body;
    this.#onFinish?.();
  }
}

/**
 * `response` sent with headers middleware set on `res` (CORS, cookies): its own headers win, Set-Cookie lines of
 * both are kept. Made on a clone rather than rebuilt from `response.body`: Bun gives a string body its
 * `text/plain` type and its Content-Length only while the body is still that string, and reading `.body` turns it
 * into a stream (sent as application/octet-stream, chunked). A clone also leaves a Response the user returns more
 * than once (a body-less constant) without one client's cookies.
 */
export function withHeaders(response: Response, extra: Iterable<[string, string]>): Response {
  const copy = response.clone();
  // The original's half of a stream body would otherwise queue everything the copy reads.
  response.body?.cancel().catch(() => {});
  let headers = copy.headers;
  try {
    merge(headers, extra);
    return copy;
  } catch {
    // Immutable headers (Response.error()): a new Response carries both sets.
    headers = new Headers(copy.headers);
    merge(headers, extra);
    return new Response(copy.body, { status: copy.status, statusText: copy.statusText, headers });
  }
}

function merge(headers: Headers, extra: Iterable<[string, string]>): void {
  for (const [name, value] of extra) {
    if (name === "set-cookie") headers.append(name, value);
    else if (!headers.has(name)) headers.set(name, value);
  }
}

/** Media types Express gives a charset when one is set without it (mime's `charsets.lookup`). */
const TAKES_CHARSET = /^\s*(?:text\/|application\/(?:javascript|json)\b)/i;

/** Characters a URL may carry as they are; everything else, and a `%` that starts no escape, gets percent-encoded. */
const UNSAFE_IN_URL = /(?:[^\x21\x23-\x3B\x3D\x3F-\x5B\x5D\x5F\x61-\x7A\x7E]|%(?![0-9A-Fa-f]{2}))+/g;

/** `url` as a header may carry it (what Express's encodeurl does): `/a b/ü` → `/a%20b/%C3%BC`. */
export function encodeUrl(url: string): string {
  return url.replace(UNSAFE_IN_URL, (run) => encodeURI(run.toWellFormed()));
}
