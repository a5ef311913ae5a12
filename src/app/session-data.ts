// What a session is, apart from the middleware that keeps it: the data, the store contract and `req.session`.
// A module of its own so the request can name `req.session`'s type without importing the middleware.

/**
 * What a session holds. Fields are `any`, as in express-session, so `req.session.userId` reads
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

/** `req.session`: your data, plus its id and two methods (not enumerable, so not stored). */
export type Session = SessionData & {
  readonly id: string;
  /** Writes the data to the store now (HTTP responses save on their own; WebSocket handlers call this). */
  save(): Promise<void>;
  /** Removes the session from the store; the response does not save it again. */
  destroy(): Promise<void>;
};
