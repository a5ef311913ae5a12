// `session({ secret })`: a session id in an HMAC-signed cookie, the data in a store. A cookie whose signature does
// not verify (checked in constant time) is no session: the request gets a fresh one. The store is an interface;
// the in-memory one serves a single process.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Middleware, NextFunction } from "./middleware-chain.ts";
import type { BunwireRequest } from "./request.ts";
import type { BunwireResponse } from "./response.ts";
import type { CookieOptions } from "./response.ts";

/**
 * What a session holds. Fields are `any`, as in express-session, so the seed's `req.session.userId` reads
 * without casts; declare your fields for precise types: `interface SessionData { userId?: string }` in a
 * `declare module "bunwire"` block.
 */
export interface SessionData {
  [key: string]: any;
}

export interface SessionStore {
  get(id: string): SessionData | undefined | Promise<SessionData | undefined>;
  set(id: string, data: SessionData, maxAgeMs: number): void | Promise<void>;
  destroy(id: string): void | Promise<void>;
}

/** A process-local store with expiry; expired sessions are swept as new ones are written. */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, { data: SessionData; expires: number }>();
  #nextSweep = 0;

  get(id: string): SessionData | undefined {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires > Date.now()) return entry.data;
    this.#sessions.delete(id);
    return undefined;
  }

  set(id: string, data: SessionData, maxAgeMs: number): void {
    const now = Date.now();
    this.#sessions.set(id, { data, expires: now + maxAgeMs });
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 60_000;
    for (const [key, entry] of this.#sessions) if (entry.expires <= now) this.#sessions.delete(key);
  }

  destroy(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }
}

export interface SessionOptions {
  /** Signs the cookie; keep it out of source control. */
  secret: string;
  cookieName?: string;
  /** Lifetime in milliseconds (default one day). */
  maxAge?: number;
  store?: SessionStore;
  cookie?: CookieOptions;
}

/** `req.session`: your data, plus its id and two methods (not enumerable, so not stored). */
export type Session = SessionData & {
  readonly id: string;
  /** Writes the data to the store now (HTTP responses save on their own; WebSocket handlers call this). */
  save(): Promise<void>;
  /** Removes the session from the store. */
  destroy(): Promise<void>;
};

function sign(id: string, secret: string): string {
  return createHmac("sha256", secret).update(id).digest("base64url");
}

/** The id in a signed cookie value, or undefined when the signature does not verify. */
export function unsign(value: string, secret: string): string | undefined {
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(id, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

function attach(data: SessionData, id: string, store: SessionStore, maxAge: number): Session {
  // A stored session comes back as the same object on every request: it is already attached.
  if ((data as Partial<Session>).id === id && Object.hasOwn(data, "save")) return data as Session;
  return Object.defineProperties(data, {
    id: { value: id, enumerable: false, configurable: true },
    save: { value: async () => store.set(id, data, maxAge), enumerable: false, configurable: true },
    destroy: { value: async () => store.destroy(id), enumerable: false, configurable: true },
  }) as Session;
}

export function session(options: SessionOptions): Middleware {
  if (typeof options.secret !== "string" || options.secret.length === 0) throw new TypeError("session(): a non-empty `secret` is required");
  const { secret } = options;
  const cookieName = options.cookieName ?? "bunwire.sid";
  const maxAge = options.maxAge ?? 86_400_000;
  const store = options.store ?? new MemoryStore();
  const cookie: CookieOptions = { httpOnly: true, sameSite: "lax", ...options.cookie, maxAge: Math.floor(maxAge / 1000) };

  const begin = (req: BunwireRequest<any>, res: BunwireResponse, id: string | undefined, stored: SessionData | undefined, next: NextFunction): unknown => {
    if (id !== undefined && stored !== undefined) {
      req.session = attach(stored, id, store, maxAge);
    } else {
      const fresh = randomBytes(18).toString("base64url");
      req.session = attach({}, fresh, store, maxAge);
      res.cookie(cookieName, `${fresh}.${sign(fresh, secret)}`, cookie);
      const saved = store.set(fresh, req.session, maxAge);
      if (saved instanceof Promise) return saved.then(() => finish(req, res, next));
    }
    return finish(req, res, next);
  };
  const finish = (req: BunwireRequest<any>, res: BunwireResponse, next: NextFunction): void => {
    const current = req.session;
    res.beforeSend(() => void store.set(current.id, current, maxAge));
    next();
  };

  // Synchronous with a synchronous store (the memory store): an upgrade through session() costs no promise.
  return (req, res, next) => {
    const sent = req.cookies[cookieName];
    const id = sent === undefined ? undefined : unsign(sent, secret);
    const stored = id === undefined ? undefined : store.get(id);
    if (stored instanceof Promise) return stored.then((data) => begin(req, res, id, data, next));
    return begin(req, res, id, stored, next);
  };
}
