// `session({ secret })`: a session id in an HMAC-signed cookie, the data in a store. A cookie whose signature does
// not verify (checked in constant time) is no session: the request gets a fresh one, which is stored and given a
// cookie only once something is put in it (`saveUninitialized: false`). The store is an interface; the in-memory
// one serves a single process.

import { randomBytes } from "node:crypto";
import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import { BunwireError } from "../engine/errors.ts";
import { SIZES, type Sizes } from "../engine/sizes.ts";
import { freshCopy } from "../engine/shared-strings.ts";
import { isThenable } from "../engine/thenable.ts";
import type { Middleware, NextFunction } from "./middleware-chain.ts";
import type { BunwireRequest } from "./request.ts";
import { COOKIE_RULES, type CookieOptions } from "./cookie.ts";
import { BOOLEAN, checkOptionValues, NAME, OBJECT, rule } from "../engine/option-values.ts";
import type { Session, SessionData, SessionStore } from "./session-data.ts";
import type { BunwireResponse } from "./response.ts";

export type { Session, SessionData, SessionStore } from "./session-data.ts";

/** A process-local store with expiry; expired sessions are swept as new ones are written. */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, { data: SessionData; expires: number }>();
  #nextSweep = 0;

  /** Internal (churn tests): sessions held, expired ones not yet swept included. */
  [SIZES](): Sizes {
    return { sessions: this.#sessions.size };
  }

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
  /** Default "bunwire.sid". */
  cookieName?: string;
  /** Lifetime in milliseconds (default one day): the store's expiry and the cookie's Max-Age. */
  maxAge?: number;
  store?: SessionStore;
  /** Cookie attributes (default `HttpOnly; SameSite=Lax; Path=/`); `maxAge` here is ignored: use `maxAge` above. */
  cookie?: Omit<CookieOptions, "maxAge" | "expires">;
  /**
   * Store a new session (and send its cookie) even when the request put nothing in it (default false, as in
   * express-session: a visitor who is never logged in costs no stored session and gets no cookie).
   */
  saveUninitialized?: boolean;
}

/** Signatures of ids that verified, kept so a returning cookie costs no HMAC; the oldest go first past this. */
const KNOWN_SIGNATURES = 4096;

/**
 * Signs and checks session ids with one HMAC key, prepared once (`copy()` of a keyed hasher skips the key setup).
 * An id whose cookie verified keeps its expected signature, so the next request with it (every upgrade and request
 * of a logged-in client) is compared in constant time without hashing again (the HMAC was ~7% of an upgrade through
 * `session()`). Only verified ids are kept: a client sending made-up ids cannot fill the table, and a forged
 * signature is still compared against the real one.
 */
class Signer {
  readonly #keyed: Bun.CryptoHasher;
  readonly #known = new Map<string, string>();

  constructor(secret: string) {
    this.#keyed = new Bun.CryptoHasher("sha256", secret);
  }

  sign(id: string): string {
    return this.#keyed.copy().update(id).digest("base64url");
  }

  /** The id in a signed cookie value, or undefined when the signature does not verify (compared in constant time). */
  unsign(value: string): string | undefined {
    const dot = value.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const id = value.slice(0, dot);
    const known = this.#known.get(id);
    const expected = known ?? this.sign(id);
    if (!sameText(value, dot + 1, expected)) return undefined;
    if (known === undefined) {
      if (this.#known.size >= KNOWN_SIGNATURES) this.#known.delete(this.#known.keys().next().value!);
      // A copy: the id is cut from the request's cookie header, which it would keep alive for as long as it is known.
      this.#known.set(freshCopy(id), expected);
    }
    return id;
  }
}

/** `value.slice(from) === expected`, in time that depends only on the lengths (signatures are ASCII). */
function sameText(value: string, from: number, expected: string): boolean {
  if (value.length - from !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= value.charCodeAt(from + i) ^ expected.charCodeAt(i);
  return diff === 0;
}

/** Per session object: saved at least once (a new one then gets its cookie), or destroyed (never saved again). */
interface SessionState {
  saved: boolean;
  destroyed: boolean;
}
const STATE: unique symbol = Symbol("bunwire.session");

/**
 * `save` and `destroy` of the sessions one `session()` makes: one pair for all of them, not two closures per session.
 * A session lives on `ws.data.req` as long as its socket, and a socket that came without a cookie has one of its
 * own (issue 16: bytes per idle connection).
 */
interface SessionMethods {
  save(this: Session): Promise<void>;
  destroy(this: Session): Promise<void>;
}

function sessionMethods(store: SessionStore, maxAge: number): SessionMethods {
  return {
    async save(this: Session) {
      const state = (this as Session & { [STATE]: SessionState })[STATE];
      state.saved = true;
      state.destroyed = false;
      await store.set(this.id, this, maxAge);
    },
    async destroy(this: Session) {
      (this as Session & { [STATE]: SessionState })[STATE].destroyed = true;
      await store.destroy(this.id);
    },
  };
}

function attach(data: SessionData, id: string, methods: SessionMethods): Session & { [STATE]: SessionState } {
  // A stored session comes back as the same object on every request: it is already attached.
  if ((data as Partial<Session>).id === id && Object.hasOwn(data, STATE)) return data as Session & { [STATE]: SessionState };
  const state: SessionState = { saved: false, destroyed: false };
  return Object.defineProperties(data, {
    // A copy, not the slice of this request's cookie header: the session outlives the request.
    id: { value: freshCopy(id), enumerable: false, configurable: true },
    [STATE]: { value: state, enumerable: false, configurable: true },
    save: { value: methods.save, enumerable: false, configurable: true },
    destroy: { value: methods.destroy, enumerable: false, configurable: true },
  }) as Session & { [STATE]: SessionState };
}

const SESSION_KEYS = optionKeys<SessionOptions>({ secret: true, cookieName: true, maxAge: true, store: true, cookie: true, saveUninitialized: true });
const STORE = rule("a store with get, set and destroy", (value) => typeof value === "object" && value !== null && ["get", "set", "destroy"].every((name) => typeof (value as Record<string, unknown>)[name] === "function"));
const SESSION_RULES = { cookieName: NAME, maxAge: rule("a number of milliseconds > 0", (value) => typeof value === "number" && value > 0), store: STORE, cookie: OBJECT, saveUninitialized: BOOLEAN };

export function session(options: SessionOptions): Middleware {
  checkOptionNames(options, SESSION_KEYS, "session()");
  if (typeof options?.secret !== "string" || options.secret.length === 0) throw new BunwireError("INVALID_OPTION", "session(): a non-empty `secret` is required");
  checkOptionValues(options, SESSION_RULES, "session()");
  checkOptionValues(options.cookie, COOKIE_RULES, "session()'s cookie");
  const signer = new Signer(options.secret);
  const cookieName = options.cookieName ?? "bunwire.sid";
  const maxAge = options.maxAge ?? 86_400_000;
  const store = options.store ?? new MemoryStore();
  const saveUninitialized = options.saveUninitialized === true;
  const cookie: CookieOptions = { httpOnly: true, sameSite: "lax", ...options.cookie, maxAge };
  const { expires: _ignored, ...cookieAttributes } = cookie;
  const methods = sessionMethods(store, maxAge);

  const begin = (req: BunwireRequest<any>, res: BunwireResponse, id: string | undefined, stored: SessionData | undefined, next: NextFunction): unknown => {
    if (id !== undefined && stored !== undefined) {
      const current = attach(stored, id, methods);
      current[STATE].destroyed = false;
      req.session = current;
      // An existing session is saved again with each response, which renews its expiry in the store.
      res.beforeSend(() => {
        if (!current[STATE].destroyed) void store.set(id, current, maxAge);
      });
      return next();
    }
    const fresh = randomBytes(18).toString("base64url");
    const current = attach({}, fresh, methods);
    req.session = current;
    const sendCookie = () => res.cookie(cookieName, `${fresh}.${signer.sign(fresh)}`, cookieAttributes);
    if (saveUninitialized) {
      sendCookie();
      current[STATE].saved = true;
      const saved = store.set(fresh, current, maxAge);
      if (isThenable(saved)) return saved.then(() => next());
      return next();
    }
    // Stored, with its cookie, only once something was put in it (or it was saved by hand).
    res.beforeSend(() => {
      const state = current[STATE];
      if (state.destroyed) return;
      if (!state.saved && Object.keys(current).length === 0) return;
      if (!state.saved) void store.set(fresh, current, maxAge);
      sendCookie();
    });
    return next();
  };

  // Synchronous with a synchronous store (the memory store): an upgrade through session() costs no promise.
  return (req, res, next) => {
    const sent = req.cookie(cookieName);
    const id = sent === undefined ? undefined : signer.unsign(sent);
    const stored = id === undefined ? undefined : store.get(id);
    // SessionData is a loose record, so the check cannot narrow it: a thenable here is the store's promise.
    if (isThenable(stored)) return (stored as Promise<SessionData | undefined>).then((data) => begin(req, res, id, data, next));
    return begin(req, res, id, stored, next);
  };
}
