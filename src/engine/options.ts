// The one option set every front door accepts (`bunwire(opts)`, `new Router(opts)`, `fileRoutes(dir, opts)`,
// `new Application(opts)`): the same names and defaults everywhere, checked once at construction.

import type { WebSocketHandler } from "bun";
import type { Bus } from "../bus/contract.ts";
import { BunwireError } from "./errors.ts";
import { checkOptionNames, optionKeys } from "./option-names.ts";
import { BOOLEAN, checkOptionValues, either, OBJECT, rule, type Rules } from "./option-values.ts";
import { checkLimits, DEADLINE, isDeadline, LIMIT_KEYS, MAX_TIMER_MS, MiB, type RouteLimits } from "./limits.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { compileOrigins } from "./origin.ts";
import type { Socket, SocketEventName } from "./socket-route.ts";

/** Every Bun WebSocket option, passed through untouched (the handlers are the engine's). */
export type WebSocketOptions = Omit<WebSocketHandler<unknown>, "open" | "message" | "close" | "drain" | "ping" | "pong" | "error" | "data">;

export type ErrorSource =
  | { kind: "websocket"; ws: Socket<any>; event: SocketEventName; routePath: string; /** The typed event whose handler failed. */ typedEvent?: string }
  | { kind: "upgrade"; request: Request; routePath: string }
  | { kind: "http"; request: Request }
  | { kind: "server" };

export type ErrorHook = (error: unknown, source: ErrorSource) => void;

export interface ServerOptions extends RouteLimits {
  /** Every Bun WebSocket option (`idleTimeout`, `perMessageDeflate`, ...). Default `maxPayloadLength`: 1 MiB. */
  websocket?: WebSocketOptions;
  /** Carries `publish` to other instances (`redisBus`, `natsBus`). Default: in-process only. */
  bus?: Bus;
  /** Errors no handler took (handlers without `error`, HTTP 500s, refused decisions). Default: logged. */
  onError?: ErrorHook;
  /** A pino-compatible logger. Default: the console. */
  logger?: Logger;
  /** Logs refused upgrades with their reason. Default: `process.env.NODE_ENV !== "production"`. */
  development?: boolean;
  /** Milliseconds `close()` waits for handlers and the bus before it gives up. Default 10 000. */
  shutdownTimeout?: number;
  /**
   * Milliseconds `close()` keeps serving with readiness answering 503 before it stops accepting, so a load
   * balancer polling readiness (`bunwire/metrics`) takes this instance out first. Default 0.
   */
  drainDelay?: number;
  /** HTTP body bytes (App; per-route override); past it 413. Default 1 MiB. */
  bodyLimit?: number;
}

const SERVER_KEYS = optionKeys<Omit<ServerOptions, keyof RouteLimits>>({
  websocket: true,
  bus: true,
  onError: true,
  logger: true,
  development: true,
  shutdownTimeout: true,
  drainDelay: true,
  bodyLimit: true,
});
const WHOLE = rule("a whole number >= 0", (value) => Number.isInteger(value) && (value as number) >= 0);
const WEBSOCKET_RULES: Rules<WebSocketOptions> = {
  maxPayloadLength: WHOLE,
  backpressureLimit: WHOLE,
  idleTimeout: WHOLE,
  closeOnBackpressureLimit: BOOLEAN,
  publishToSelf: BOOLEAN,
  sendPings: BOOLEAN,
  perMessageDeflate: either(BOOLEAN, rule("{ compress, decompress }", (value) => OBJECT.test(value))),
};
/** Its names: the rules' type lists every Bun WebSocket option, so a new one cannot go unchecked. */
const WEBSOCKET_KEYS = Object.keys(WEBSOCKET_RULES);

/** Bun's WebSocket options, checked here: Bun would refuse a wrong type only at `listen()`, and ignore a typo. */
export function checkWebSocketOptions(options: unknown, where: string): void {
  const at = `${where} websocket`;
  if (!OBJECT.test(options)) fail(where, "option websocket must be an object of Bun WebSocket options");
  checkOptionNames(options, WEBSOCKET_KEYS, at);
  checkOptionValues(options as object, WEBSOCKET_RULES, at);
  const deflate = (options as WebSocketOptions).perMessageDeflate;
  if (typeof deflate === "object") checkOptionNames(deflate, ["compress", "decompress"], `${at} perMessageDeflate`);
}

/** Every ServerOptions name: what each front door accepts (besides its own, such as `port`). */
export const SERVER_OPTION_NAMES: readonly string[] = [...SERVER_KEYS, ...LIMIT_KEYS];

/** The server-wide options with their defaults applied. */
export interface ResolvedServerOptions {
  readonly websocket: WebSocketOptions;
  readonly bus: Bus | undefined;
  readonly onError: ErrorHook | undefined;
  readonly logger: Logger;
  readonly development: boolean;
  readonly shutdownTimeout: number;
  readonly drainDelay: number;
  readonly bodyLimit: number;
}

export const DEFAULT_MAX_PAYLOAD_LENGTH = MiB;

function fail(where: string, message: string): never {
  throw new BunwireError("INVALID_OPTION", `${where}: ${message}`);
}

/**
 * Throws INVALID_OPTION for an unknown name (a typo would otherwise be ignored) or a wrong value. `extra` are the
 * front door's own option names (`port`, `globalRegistry`, ...).
 */
export function checkOptions(options: unknown, where: string, extra: readonly string[] = []): asserts options is ServerOptions {
  if (options === undefined) return;
  checkOptionNames(options, [...SERVER_OPTION_NAMES, ...extra], where);
  const o = options as ServerOptions;
  if (o.websocket !== undefined) checkWebSocketOptions(o.websocket, where);
  if (o.bus !== undefined && (o.bus === null || typeof o.bus !== "object" || typeof o.bus.publish !== "function")) fail(where, "option bus must be a bus (redisBus(...), natsBus(...))");
  if (o.onError !== undefined && typeof o.onError !== "function") fail(where, "option onError must be a function (error, source) => void");
  if (o.logger !== undefined && (o.logger === null || typeof o.logger !== "object" || ["info", "warn", "error"].some((level) => typeof (o.logger as unknown as Record<string, unknown>)[level] !== "function"))) {
    fail(where, "option logger must have info, warn and error methods (a pino logger works)");
  }
  if (o.development !== undefined && typeof o.development !== "boolean") fail(where, "option development must be true or false");
  if (o.shutdownTimeout !== undefined && !isDeadline(o.shutdownTimeout)) fail(where, `option shutdownTimeout must be ${DEADLINE}, got ${String(o.shutdownTimeout)}`);
  if (o.bodyLimit !== undefined && !(typeof o.bodyLimit === "number" && o.bodyLimit > 0)) fail(where, `option bodyLimit must be a positive number, got ${String(o.bodyLimit)}`);
  checkDrainDelay(o.drainDelay, where);
  checkLimits(o, where);
  // Compiled once here only to fail now for an entry that is no origin, not at the first upgrade.
  if (o.allowedOrigins !== undefined) compileOrigins(o.allowedOrigins, o.trustProxy ?? false, where);
}

export function checkDrainDelay(value: unknown, where: string): void {
  if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS)) {
    fail(where, `option drainDelay must be a number of milliseconds >= 0 and <= ${MAX_TIMER_MS}, got ${String(value)}`);
  }
}

/** `close({ timeout, drainDelay })`, checked as the server options are: a wrong deadline would fire at once. */
export function checkCloseOptions(options: unknown): void {
  checkOptionNames(options, ["timeout", "drainDelay"], "close()");
  const o = (options ?? {}) as { timeout?: unknown; drainDelay?: unknown };
  if (o.timeout !== undefined && !isDeadline(o.timeout)) fail("close()", `option timeout must be ${DEADLINE}, got ${String(o.timeout)}`);
  checkDrainDelay(o.drainDelay, "close()");
}

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  return {
    // `maxPayloadLength: undefined` (an unset config value) keeps the default rather than Bun's 16 MB.
    websocket: { ...options.websocket, maxPayloadLength: options.websocket?.maxPayloadLength ?? DEFAULT_MAX_PAYLOAD_LENGTH },
    bus: options.bus,
    onError: options.onError,
    logger: options.logger ?? consoleLogger,
    development: options.development ?? process.env.NODE_ENV !== "production",
    shutdownTimeout: options.shutdownTimeout ?? 10_000,
    drainDelay: options.drainDelay ?? 0,
    bodyLimit: options.bodyLimit ?? MiB,
  };
}
