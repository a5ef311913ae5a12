// `@SubscribeMessage` compiled into the protocol's one dispatcher (src/protocol/dispatch.ts): the gateway's
// methods become its routes, `@OnMessage` takes the frames no event claims, and a return without a request id is
// answered `{ event, data }`. Same envelope, codecs (JSON, MessagePack), error codes and rooms as `protocol.handle`.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { BunwireError } from "../engine/errors.ts";
import { rule, type Rules } from "../engine/option-values.ts";
import type { Socket, SocketHandlers } from "../engine/socket-route.ts";
import type { AnyProtocol } from "../protocol/define.ts";
import { compileDispatch, type Route } from "../protocol/dispatch.ts";
import type { ProtocolSettings } from "../protocol/handle-types.ts";
import { checkProtocolOptions, SETTINGS_RULES } from "../protocol/handle-options.ts";
import { settingsOf } from "../protocol/handle.ts";
import type { ProtocolSocket } from "../protocol/reply.ts";
import type { WebSocketConnectionData } from "./types.ts";

/**
 * The second argument of `@WebSocketGateway(path, options)`: `protocol`, and every typed-message setting of
 * `protocol.handle` (`ProtocolSettings`: history, rooms, maxRooms, invalid, msgpack, idempotency, broadcastTopic,
 * presence), derived from its options so the two cannot drift. `Data` types `ws.data` where a setting receives a
 * socket (`rooms`, `presence.follow`, `presence.meta`).
 */
export interface GatewayOptions<Data = WebSocketConnectionData> extends ProtocolSettings<Data> {
  /**
   * The protocol this gateway serves: a `@SubscribeMessage(event)` without a schema validates with the protocol's,
   * every event must be one of its client events, and `protocol.broadcast`/`publish` reach this gateway's sockets.
   */
  protocol?: AnyProtocol;
}

/** A declaration from `defineProtocol` (of `bunwire` or `bunwire/client`): what the gateway reads of it. */
const PROTOCOL = rule("a protocol from defineProtocol()", (value) => {
  const protocol = value as Partial<AnyProtocol> | null;
  return typeof protocol === "object" && protocol !== null && typeof protocol.name === "string" && typeof protocol.client === "object" && protocol.client !== null;
});

/** A rule for every name of `GatewayOptions` (the compiler keeps the table complete): handle()'s settings and `protocol`. */
const GATEWAY_RULES: Rules<GatewayOptions> = { ...SETTINGS_RULES, protocol: PROTOCOL };

/** Throws INVALID_OPTION for an unknown name or a wrong value of `@WebSocketGateway(path, options)`, as `handle()` does. */
export function checkGatewayOptions(options: unknown, where: string): void {
  checkProtocolOptions(options, GATEWAY_RULES, where);
}

/** One `@SubscribeMessage` method, bound to the gateway instance. */
export interface Subscribed {
  readonly event: string;
  readonly schema: StandardSchemaV1 | undefined;
  readonly handler: (ws: Socket<never>, data: unknown) => unknown;
}

export interface GatewayDispatch {
  /** `Class.method` naming for start-up errors, and the route path for the placeholder protocol name. */
  readonly name: string;
  readonly path: string;
  readonly subscriptions: readonly Subscribed[];
  readonly options: GatewayOptions;
  readonly open: ((ws: Socket<never>) => unknown) | undefined;
  readonly close: ((ws: Socket<never>, code: number, reason: string) => unknown) | undefined;
  /** The gateway's `@OnMessage`, for frames no route claims (not an envelope, unknown event). */
  readonly fallback: ((ws: Socket<never>, message: string | Buffer<ArrayBuffer>) => unknown) | undefined;
  /** The error path for a method that threw or rejected (after the error reply was sent); `event` names it. */
  readonly failed: (ws: Socket<never>, error: unknown, event: string) => void;
}

/** The gateway's `open`, `message` and `close` (and the engine's SERVED_ON hook); other lifecycle methods stay. */
export function subscriptionHandlers(gateway: GatewayDispatch): SocketHandlers<WebSocketConnectionData> {
  const { options } = gateway;
  const protocol = options.protocol;
  const routes = new Map<string, Route>();
  for (const subscription of gateway.subscriptions) {
    let schema = subscription.schema;
    if (protocol !== undefined) {
      const declared = Object.hasOwn(protocol.client, subscription.event) ? protocol.client[subscription.event] : undefined;
      if (declared === undefined) {
        throw new BunwireError("INVALID_HANDLER", `${gateway.name}: @SubscribeMessage("${subscription.event}") is not a client event of protocol "${protocol.name}"`);
      }
      schema ??= declared;
    }
    routes.set(subscription.event, { event: subscription.event, standard: schema?.["~standard"], schema, handler: subscription.handler as Route["handler"], self: undefined });
  }
  // Without a protocol the gateway's sockets belong to no protocol's broadcast; the state still carries rooms.
  const declaration = protocol ?? { name: `gateway:${gateway.path}`, client: {}, server: {}, acks: {} };
  const settings = settingsOf(declaration, options);
  const handlers = compileDispatch({
    routes,
    ...settings,
    broadcast: protocol !== undefined,
    fallback: gateway.fallback as ((ws: ProtocolSocket, message: string | Buffer) => unknown) | undefined,
    replyWithoutId: true,
    failed: (ws, error, event) => gateway.failed(ws as Socket<never>, error, event),
    open: gateway.open as ((ws: ProtocolSocket) => unknown) | undefined,
    close: gateway.close as ((ws: ProtocolSocket, code: number, reason: string) => unknown) | undefined,
  });
  return handlers as unknown as SocketHandlers<WebSocketConnectionData>;
}
