// The public types of gateways: the per-connection data bag, the socket handlers receive, and the class shapes
// the decorators and the DI container accept.

import type { ServerWebSocket as BunServerWebSocket } from "bun";

/**
 * `ws.data` of a gateway connection: a fresh, writable object per connection that handlers extend
 * (`ws.data.room = "lobby"`). Extend the interface to type your keys; undeclared keys stay usable because
 * gateway code reads and writes them on a plain `ServerWebSocket` (the seed's room chat does).
 */
export interface WebSocketConnectionData {
  // The one `any` of the public API, on purpose: `unknown` would make the seed's `this.broadcast(ws.data.room, ...)`
  // a type error. Declared keys (by extending the interface) are typed as declared.
  [key: string]: any;
}

/** Bun's own ServerWebSocket, with the gateway's connection data as the default `ws.data`. */
export type ServerWebSocket<Data = WebSocketConnectionData> = BunServerWebSocket<Data>;

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

/** What an `@OnUpgrade()` method may return (or resolve to): refuse (`false`: 403, or a Response) or admit. */
export type UpgradeDecision = boolean | undefined | Response | { data?: WebSocketConnectionData; headers?: ResponseInit["headers"] }; // `ResponseInit`, not the DOM-only `HeadersInit`
