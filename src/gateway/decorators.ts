// The decorators (TypeScript `experimentalDecorators` + `emitDecoratorMetadata`). They only record what they
// see (metadata.ts); checks that need the whole class run at registration, so errors name class and method.
// Method decorators work with and without parentheses: `@OnOpen()` and `@OnOpen`.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { BunwireError } from "../engine/errors.ts";
import { LIFECYCLE_DECORATOR, recordOf, type Lifecycle } from "./metadata.ts";
import { checkGatewayOptions, type GatewayOptions } from "./subscriptions.ts";
import type { Class, ModuleOptions, WebSocketConnectionData } from "./types.ts";

/** What TypeScript calls a method decorator with (legacy decorators). */
export type GatewayMethodDecorator = (target: object, key: string | symbol, descriptor: PropertyDescriptor) => void;

/** A class decorator that accepts any class (constructor parameters are the container's business). */
export type GatewayClassDecorator = (target: Class) => void;

// Without `experimentalDecorators` Bun applies TC39 decorators: (value, context). Nothing would be injected by
// type then, so stop at the class definition with the fix instead of failing later in a confusing way.
function assertLegacy(context: unknown, decorator: string): void {
  if (context !== null && typeof context === "object" && "kind" in context) {
    throw new BunwireError(
      "INVALID_HANDLER",
      `${decorator} needs TypeScript legacy decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true in the tsconfig.json of the directory you run bun from`,
    );
  }
}

function methodName(key: string | symbol): string {
  return typeof key === "symbol" ? key.toString() : key;
}

function ownerOf(target: object): Class | undefined {
  if (typeof target === "function") return undefined;
  const owner = (target as { constructor?: unknown }).constructor;
  return typeof owner === "function" ? (owner as Class) : undefined;
}

/** Records `key` of the class behind `target`, or a problem when it is no instance method. */
function decorateMethod(target: object, key: string | symbol, descriptor: PropertyDescriptor | undefined, decorator: string, apply: (owner: Class, method: string) => void): void {
  const method = methodName(key);
  if (typeof target === "function") {
    recordOf(target as Class).problems.push(`${(target as Class).name}.${method}: ${decorator} is on a static method; use an instance method`);
    return;
  }
  const owner = ownerOf(target);
  if (owner === undefined) return;
  if (descriptor === undefined || typeof descriptor.value !== "function") {
    recordOf(owner).problems.push(`${owner.name}.${method}: ${decorator} decorates methods only`);
    return;
  }
  apply(owner, method);
}

// At run time the descriptor may be missing (a property, decorated from plain JavaScript): reported, not thrown.
type LooseMethodDecorator = (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void;

function lifecycleDecorator(kind: Lifecycle): LooseMethodDecorator {
  const decorator = LIFECYCLE_DECORATOR[kind];
  return (target, key, descriptor) => {
    assertLegacy(key, decorator);
    decorateMethod(target, key, descriptor, decorator, (owner, method) => {
      const record = recordOf(owner);
      const existing = record.lifecycle[kind];
      if (existing !== undefined && existing !== method) {
        record.problems.push(`${owner.name}.${method}: ${decorator} is also on ${owner.name}.${existing}; a gateway has one ${decorator} handler`);
        return;
      }
      record.lifecycle[kind] = method;
    });
  };
}

/** Builds `OnX()` / `@OnX` for one lifecycle event. */
function lifecycle(kind: Lifecycle) {
  const decorate = lifecycleDecorator(kind);
  function OnEvent(): GatewayMethodDecorator;
  function OnEvent(target: object, key: string | symbol, descriptor: PropertyDescriptor): void;
  function OnEvent(target?: object, key?: string | symbol, descriptor?: PropertyDescriptor): GatewayMethodDecorator | void {
    if (target === undefined || key === undefined) return decorate;
    decorate(target, key, descriptor);
  }
  return OnEvent;
}

/**
 * `@OnUpgrade()`: `(req: Request, params)` before the handshake is accepted, sync or async: the place for auth.
 * `false` refuses with 403, a Response refuses with itself, `{ data, headers }` starts `ws.data` and adds 101 headers.
 */
export const OnUpgrade = lifecycle("upgrade");
/** `@OnOpen()`: `(ws)` when a connection opens; may be async (later events wait for it). */
export const OnOpen = lifecycle("open");
/** `@OnMessage()`: `(ws, message: string | Buffer)` for every frame no `@SubscribeMessage` claimed. */
export const OnMessage = lifecycle("message");
/** `@OnClose()`: `(ws, code, reason)` when a connection closes, also when the application closes. */
export const OnClose = lifecycle("close");
/** `@OnError()`: `(ws, error)` for what any handler of this gateway threw or rejected with. */
export const OnError = lifecycle("error");
/** `@OnDrain()`: `(ws)` when a socket under backpressure can take more (Bun's `drain`). */
export const OnDrain = lifecycle("drain");
/** `@OnPing()` and `@OnPong()`: `(ws, data)` for control frames from the client. */
export const OnPing = lifecycle("ping");
export const OnPong = lifecycle("pong");
/**
 * `@OnRejected()`: `(ws, message, error)` for a frame `messageRateLimit` with `action: "reply"` refused (`error` is
 * the RATE_LIMITED BunwireError), instead of `@OnMessage`. On a gateway with `@SubscribeMessage` it runs after the
 * RATE_LIMITED error reply the protocol sends.
 */
export const OnRejected = lifecycle("rejected");

/**
 * `@SubscribeMessage("event", schema?)`: handles envelopes `{ event, data, id? }` (JSON text or MessagePack) as
 * `(ws, data)`, through the same dispatcher as `protocol.handle`. The return value (or resolved promise) is the
 * reply: an ack `{ id, ack }` when the frame had an id, else `{ event, data }`. A Standard Schema (zod, valibot, ...)
 * validates `data` first (without one, the schema of the gateway's `protocol` option, if any); invalid data gets a
 * VALIDATION_FAILED reply.
 */
export function SubscribeMessage(event: string): GatewayMethodDecorator;
export function SubscribeMessage<S extends StandardSchemaV1>(
  event: string,
  schema: S,
): <M extends (ws: never, data: StandardSchemaV1.InferOutput<S>) => unknown>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;
export function SubscribeMessage(event: string, schema?: StandardSchemaV1): LooseMethodDecorator {
  const decorator = `@SubscribeMessage(${JSON.stringify(event)})`;
  return (target, key, descriptor) => {
    assertLegacy(key, decorator);
    decorateMethod(target, key, descriptor, decorator, (owner, method) => {
      const record = recordOf(owner);
      if (typeof event !== "string" || event.length === 0 || event.startsWith("$")) {
        record.problems.push(`${owner.name}.${method}: ${decorator} needs a non-empty event name not starting with "$" (reserved)`);
        return;
      }
      if (schema !== undefined && (schema === null || typeof schema !== "object" || typeof (schema as Partial<StandardSchemaV1>)["~standard"]?.validate !== "function")) {
        record.problems.push(`${owner.name}.${method}: the schema of ${decorator} is not a Standard Schema (zod, valibot, arktype)`);
        return;
      }
      const existing = record.subscriptions.get(event);
      if (existing !== undefined && existing.method !== method) {
        record.problems.push(`${owner.name}.${method}: ${decorator} is also on ${owner.name}.${existing.method}; one method per event`);
        return;
      }
      record.subscriptions.set(event, { event, method, schema });
    });
  };
}

/**
 * `@WebSocketGateway("/path", options?)`: the class handles WebSocket connections on that path (params like
 * `/rooms/:id` too). `options` are `protocol` and the typed-message settings of its `@SubscribeMessage` methods,
 * every one `protocol.handle` takes (`rooms`, `history`, `presence`, ...); an unknown name or a wrong value is
 * INVALID_OPTION, thrown here, where the class is declared.
 */
export function WebSocketGateway<Data = WebSocketConnectionData>(path: string, options?: GatewayOptions<Data>): GatewayClassDecorator {
  checkGatewayOptions(options, `@WebSocketGateway(${JSON.stringify(path)})`);
  return (target, context?: unknown) => {
    assertLegacy(context, `@WebSocketGateway(${JSON.stringify(path)})`);
    const record = recordOf(target);
    if (record.gatewayPath !== undefined && record.gatewayPath !== path) {
      record.problems.push(`${target.name}: @WebSocketGateway is applied twice ("${record.gatewayPath}" and "${path}")`);
    }
    record.gatewayPath = path;
    // Stored without its `Data`: the dispatcher hands `rooms` the same sockets whatever the user typed them as.
    if (options !== undefined) record.gatewayOptions = options as GatewayOptions;
  };
}

/** `@Injectable()`: the class is constructed once per application and injected by type wherever it is asked for. */
export function Injectable(): GatewayClassDecorator;
export function Injectable(target: Class): void;
export function Injectable(target?: Class, context?: unknown): GatewayClassDecorator | void {
  const decorate: GatewayClassDecorator = (cls, ctx?: unknown) => {
    assertLegacy(ctx, "@Injectable()");
    recordOf(cls).injectable = true;
  };
  if (target === undefined) return decorate;
  (decorate as (cls: Class, ctx?: unknown) => void)(target, context);
}

/** `@Module({ providers, imports })`: groups services and gateways; `app.registerModule(M)` registers them. */
export function Module(options: ModuleOptions): GatewayClassDecorator {
  return (target, context?: unknown) => {
    assertLegacy(context, "@Module()");
    recordOf(target).module = options;
  };
}
