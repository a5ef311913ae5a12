// Whose keys a connection sends. bunwire's client names its client once per connection with a string key
// `<clientId>:<session>:<id>` and `"keys": "id"`, then sends no key at all: its request ids are its key numbers
// (docs/PROTOCOL.md). A custom client may send numbers (`"k": n`) instead. The connection keeps that client, scoped
// by its user, and the memory store's hold on the client's keys, so no form looks the client up per request.

import type { ConnectionUser } from "../engine/identity.ts";
import type { ClientKeys, MemoryIdempotency } from "./memory-idempotency.ts";
import type { ProtocolSocket } from "./reply.ts";

export interface KeyScope {
  /** The client part as the client wrote it. */
  readonly client: string;
  /** The connection's user when the scope was set: a numbered key under another user is refused. */
  readonly user: ConnectionUser | undefined;
  /** `<client>`, or for a user's keys the scoped prefix: the key `<client>:<n>` is `<scoped>:<n>` in the store. */
  readonly scoped: string;
  /** The memory store's hold on them (other stores take the whole string). */
  readonly keys: ClientKeys | undefined;
  /** The store `keys` belong to: a socket passed to the handlers of another `handle()` does not use them there. */
  readonly owner: MemoryIdempotency | undefined;
  /** The string key came with `"keys": "id"`: a request without `key` or `k` is keyed by its id. */
  readonly byId: boolean;
}

/** On the socket, beside `SPEAKS_MSGPACK`: set by its first string key `<client>:<n>`, so idle sockets pay nothing. */
const KEY_SCOPE = Symbol("bunwire.keyScope");
type ScopedSocket = ProtocolSocket & { [KEY_SCOPE]?: KeyScope };

/** The client this connection's numbered keys belong to, once a string key named it. */
export function scopeOf(ws: ProtocolSocket): KeyScope | undefined {
  return (ws as ScopedSocket)[KEY_SCOPE];
}

/** Does this connection key its requests by their ids (`"keys": "id"` with its latest string key)? */
export function keysById(ws: ProtocolSocket): boolean {
  return (ws as ScopedSocket)[KEY_SCOPE]?.byId === true;
}

/** A user's keys start with a control character no client key may start with: the scopes never meet. */
export function scopedKey(user: ConnectionUser | undefined, key: string): string {
  return user === undefined ? key : `\u0001${user.id.length}:${user.id}:${key}`;
}

/**
 * A string key `<client>:<n>` names the client whose numbered keys this connection sends from now on (`byId`: it came
 * with `"keys": "id"`, so later requests are keyed by their ids). Returns that scope (undefined: the key has no
 * client part, and names no client).
 */
export function noteScope(ws: ProtocolSocket, key: string, user: ConnectionUser | undefined, memory: MemoryIdempotency | undefined, byId: boolean): KeyScope | undefined {
  const scope = (ws as ScopedSocket)[KEY_SCOPE];
  const at = key.lastIndexOf(":");
  if (at <= 0) return undefined;
  if (scope !== undefined && scope.user === user && scope.owner === memory && scope.byId === byId && at === scope.client.length && key.startsWith(scope.client)) return scope;
  const client = key.slice(0, at);
  const scoped = scopedKey(user, client);
  return ((ws as ScopedSocket)[KEY_SCOPE] = { client, user, scoped, keys: memory?.clientKeys(scoped), owner: memory, byId });
}
