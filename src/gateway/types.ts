// The public types of gateways: the per-connection data bag, the socket handlers receive, and the class shapes
// the decorators and the DI container accept.

import type { Decision } from "../engine/admission.ts";
import type { LooseData } from "../engine/socket-route.ts";

/**
 * `ws.data` of a gateway connection: a fresh, writable object per connection that handlers extend
 * (`ws.data.room = "lobby"`). Extend the interface to type your keys (`interface ChatData extends
 * WebSocketConnectionData { room: string }`, then `ws: ServerWebSocket<ChatData>`); undeclared keys stay usable on
 * a plain `ServerWebSocket`, whose default `ws.data` is this loose record.
 */
// A loose record on purpose: with `unknown`, `this.broadcast(ws.data.room, ...)` on an untyped socket would not
// compile. Declared keys (by extending the interface) are typed as declared.
export interface WebSocketConnectionData extends LooseData {}

/** The one socket type of every entry point (Bun's own); its default `ws.data` is this loose record too. */
export type { ServerWebSocket } from "../engine/index.ts";

/** Any class: gateways, services and modules are classes; the container calls them with `new`. */
export type Class<T = object> = abstract new (...args: never[]) => T;

/** A class the container can construct. */
export type ConstructableClass<T = object> = new (...args: never[]) => T;

/** A module provider: a class (constructed once, by type), or a value or class standing in for a class. */
export type Provider =
  | ConstructableClass
  | { provide: Class; useValue: object }
  | { provide: Class; useClass: ConstructableClass };

export interface ModuleOptions {
  /** Services constructed once per application, and `@WebSocketGateway` classes, registered as gateways. */
  providers?: Provider[];
  /** Other `@Module` classes whose providers and gateways join this application. */
  imports?: Class[];
}

/**
 * What an `@OnUpgrade()` method may return (or resolve to), as on every front door: admit (`true`, `undefined`,
 * `{ data, headers, user }`) or refuse (`false` → 403, a Response >= 400). `Data` types the `data` that becomes
 * `ws.data` (`UpgradeDecision<ChatData>`); by default it is the loose `WebSocketConnectionData`.
 */
export type UpgradeDecision<Data = WebSocketConnectionData> = Decision<Data>;

/** An `UpgradeDecision` or a promise of one. */
export type MaybeUpgradeDecision<Data = WebSocketConnectionData> = UpgradeDecision<Data> | Promise<UpgradeDecision<Data>>;
