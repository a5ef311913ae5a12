// One error hierarchy for everything bunwire throws or reports (after `ws`'s WS_ERR_*): a stable `code`, and
// where it applies the HTTP `status` and the WebSocket `closeCode` that go with it, so every front door answers
// the same failure the same way. No server imports: the client bundle shares this file. Codes: docs/ERRORS.md.

/**
 * Every code bunwire itself throws, sends or logs (docs/ERRORS.md has each); your own codes are any other
 * SCREAMING_SNAKE string. The subclasses' code types (`ProtocolErrorCode`, `ClientErrorCode`) are parts of it.
 */
export type BunwireErrorCode =
  // Start-up and programming errors
  | "INVALID_ROUTE"
  | "ROUTE_CONFLICT"
  | "INVALID_HANDLER"
  | "INVALID_OPTION"
  | "INVALID_PROVIDER"
  | "MISSING_PROVIDER"
  | "MISSING_TYPE_METADATA"
  | "CIRCULAR_DEPENDENCY"
  | "MISSING_PEER"
  | "ALREADY_LISTENING"
  | "NOT_LISTENING"
  | "SHUTDOWN_TIMEOUT"
  | "UNPUBLISHABLE"
  | "INSPECTOR_BUNDLE_FAILED"
  // Upgrades
  | "MALFORMED_URI"
  | "ROUTE_NOT_FOUND"
  | "RESERVED_TOPIC"
  | "ORIGIN_FORBIDDEN"
  | "TOO_MANY_CONNECTIONS"
  | "TOO_MANY_CONNECTIONS_PER_IP"
  | "UPGRADE_REFUSED"
  | "UPGRADE_TIMEOUT"
  | "INVALID_DECISION"
  | "UNSUPPORTED_SUBPROTOCOL"
  | "UPGRADE_FAILED"
  | "UPGRADE_REQUIRED"
  // Open connections and HTTP
  | "QUEUE_OVERFLOW"
  | "RATE_LIMITED"
  | "TOO_MANY_ROOMS"
  | "INVALID_BODY"
  | "PAYLOAD_TOO_LARGE"
  | "HEADER_NOT_KEPT"
  | "INVALID_STATUS"
  | "PATH_FORBIDDEN"
  | "FILE_NOT_FOUND"
  // The typed protocol, server requests, presence, histories and idempotency
  | "INVALID_JSON"
  | "INVALID_ENVELOPE"
  | "UNSUPPORTED_CODEC"
  | "VALIDATION_FAILED"
  | "UNKNOWN_EVENT"
  | "NOT_ALLOWED"
  | "HANDLER_ERROR"
  | "INVALID_PROTOCOL"
  | "BROADCAST_OFF"
  | "IDEMPOTENCY_CONFLICT"
  | "IDEMPOTENCY_UNAVAILABLE"
  | "REPLY_TIMEOUT"
  | "INVALID_REPLY"
  | "DISCONNECTED"
  | "ABORTED"
  | "NOT_SERVED"
  | "NO_HANDLER"
  | "PRESENCE_NO_USER"
  | "PRESENCE_UNAVAILABLE"
  | "HISTORY_UNAVAILABLE"
  | "HISTORY_APPEND_FAILED"
  | "HISTORY_AMBIGUOUS"
  // The client
  | "TIMEOUT"
  | "QUEUE_FULL"
  | "CLOSED"
  | "NO_WEBSOCKET"
  | "INVALID_OPTIONS"
  // Bus drivers and stores
  | "REDIS_BUS_OPTIONS"
  | "REDIS_HISTORY_OPTIONS"
  | "REDIS_IDEMPOTENCY_OPTIONS"
  | "REDIS_PRESENCE_OPTIONS"
  | "REDIS_PRESENCE_INPUT"
  | "NATS_BUS_OPTIONS";

export interface BunwireErrorOptions {
  /** The HTTP status this failure answers with when it happens during a request or an upgrade. */
  status?: number;
  /** The WebSocket close code this failure closes a connection with. */
  closeCode?: number;
  cause?: unknown;
}

export class BunwireError extends Error {
  override name = "BunwireError";
  readonly code: string;
  // Declared, not initialised: a start-up error then prints without `status: undefined, closeCode: undefined`.
  declare readonly status?: number;
  declare readonly closeCode?: number;

  /** `throw new BunwireError("OUT_OF_STOCK", "no seats left", { status: 409 })` from any handler. */
  constructor(code: BunwireErrorCode | (string & {}), message: string, options: BunwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) (this as { status?: number }).status = options.status;
    if (options.closeCode !== undefined) (this as { closeCode?: number }).closeCode = options.closeCode;
  }
}

/** True for any bunwire error (or subclass) carrying `code`. */
export function isBunwireError(value: unknown, code?: string): value is BunwireError {
  return value instanceof BunwireError && (code === undefined || value.code === code);
}
