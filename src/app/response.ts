// The Express-style response: handlers set status, headers and cookies and send a body; the App turns it into a
// Fetch Response. During an upgrade, what middleware set here rides on the 101 (a fresh session cookie, say).

import type { CookieInit } from "bun";

export type CookieOptions = Omit<CookieInit, "name" | "value">;

export class BunwireResponse {
  statusCode = 200;
  #headers: Headers | undefined;
  /** Per-request values for later handlers; on an upgrade they are copied into `ws.data`. */
  locals: Record<string, unknown> = {};
  #body: BodyInit | null = null;
  #adopted: Response | undefined;
  #finished = false;
  #onFinish: (() => void) | undefined;
  readonly #beforeSend: Array<() => void> = [];

  /** The response headers, created on first use (most upgrades set none). */
  get headers(): Headers {
    return (this.#headers ??= new Headers());
  }

  /** The headers set so far, or undefined when none were (no Headers object is created). */
  get headersIfSet(): Headers | undefined {
    return this.#headers;
  }

  /** True once a body was sent: the chain stops and the request is answered. */
  get headersSent(): boolean {
    return this.#finished;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  set(name: string, value: string): this;
  set(fields: Record<string, string>): this;
  set(name: string | Record<string, string>, value?: string): this {
    if (typeof name === "string") this.headers.set(name, value ?? "");
    else for (const [key, field] of Object.entries(name)) this.headers.set(key, field);
    return this;
  }

  header(name: string, value: string): this {
    return this.set(name, value);
  }

  append(name: string, value: string): this {
    this.headers.append(name, value);
    return this;
  }

  get(name: string): string | undefined {
    return this.#headers?.get(name) ?? undefined;
  }

  type(contentType: string): this {
    return this.set("Content-Type", contentType);
  }

  cookie(name: string, value: string, options: CookieOptions = {}): this {
    this.headers.append("Set-Cookie", new Bun.Cookie(name, value, { path: "/", ...options }).serialize());
    return this;
  }

  clearCookie(name: string, options: CookieOptions = {}): this {
    return this.cookie(name, "", { ...options, expires: new Date(0), maxAge: 0 });
  }

  json(value: unknown): void {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "application/json; charset=utf-8");
    this.#finish(JSON.stringify(value) ?? "null");
  }

  text(value: string): void {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "text/plain; charset=utf-8");
    this.#finish(value);
  }

  html(value: string): void {
    if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "text/html; charset=utf-8");
    this.#finish(value);
  }

  /** Strings go as HTML (as in Express), bytes as octet-stream, anything else as JSON. */
  send(body?: string | Uint8Array | ArrayBuffer | Blob | object | null): void {
    if (body === undefined || body === null) return this.#finish(null);
    if (typeof body === "string") return this.html(body);
    if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob) {
      if (!this.headers.has("Content-Type")) this.headers.set("Content-Type", "application/octet-stream");
      return this.#finish(body as BodyInit);
    }
    this.json(body);
  }

  sendStatus(code: number): void {
    this.status(code).text(String(code));
  }

  end(body?: string): void {
    this.#finish(body ?? null);
  }

  redirect(url: string): void;
  redirect(status: number, url: string): void;
  redirect(statusOrUrl: number | string, url?: string): void {
    const [status, location] = typeof statusOrUrl === "number" ? [statusOrUrl, url ?? "/"] : [302, statusOrUrl];
    this.status(status).set("Location", location);
    this.#finish(null);
  }

  /** Answers with a Fetch Response as it is (a mounted Router's route), keeping headers set on `res` so far. */
  respond(response: Response): void {
    this.#adopted = response;
    this.#finish(null);
  }

  /** Runs just before the response is built (the session store saves here). */
  beforeSend(hook: () => void): void {
    this.#beforeSend.push(hook);
  }

  /** @internal the middleware chain learns here that the request was answered. */
  onFinish(callback: () => void): void {
    this.#onFinish = callback;
  }

  toResponse(): Response {
    for (const hook of this.#beforeSend) hook();
    const adopted = this.#adopted;
    if (adopted !== undefined) {
      if (this.#headers === undefined || this.#headers.keys().next().done === true) return adopted;
      // The adopted response's headers may be immutable (a fetch() result): build one with both sets.
      const headers = new Headers(adopted.headers);
      for (const [name, value] of this.headers) if (name === "set-cookie" || !headers.has(name)) headers.append(name, value);
      return new Response(adopted.body, { status: adopted.status, statusText: adopted.statusText, headers });
    }
    return new Response(this.#body, { status: this.statusCode, headers: this.headers });
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
