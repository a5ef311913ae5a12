// One error hierarchy for everything bunwire throws or reports (after `ws`'s WS_ERR_*): a stable `code`, and
// where it applies the HTTP `status` and the WebSocket `closeCode` that go with it, so every front door answers
// the same failure the same way. No server imports: the client bundle shares this file. Codes: docs/ERRORS.md.

/** The codes bunwire itself uses; your own codes are any other SCREAMING_SNAKE string. */
export type BunwireErrorCode =
  | "MALFORMED_URI"
  | "ROUTE_CONFLICT"
  | "INVALID_ROUTE"
  | "INVALID_HANDLER"
  | "INVALID_OPTION"
  | "INVALID_DECISION"
  | "INVALID_PROVIDER"
  | "MISSING_PROVIDER"
  | "MISSING_TYPE_METADATA"
  | "CIRCULAR_DEPENDENCY"
  | "MISSING_PEER"
  | "ROUTE_NOT_FOUND"
  | "ORIGIN_FORBIDDEN"
  | "UPGRADE_REFUSED"
  | "UPGRADE_FAILED"
  | "UPGRADE_TIMEOUT"
  | "UNSUPPORTED_SUBPROTOCOL"
  | "RESERVED_TOPIC"
  | "TOO_MANY_CONNECTIONS"
  | "TOO_MANY_CONNECTIONS_PER_IP"
  | "INVALID_BODY"
  | "PAYLOAD_TOO_LARGE"
  | "QUEUE_OVERFLOW"
  | "RATE_LIMITED"
  | "TOO_MANY_ROOMS"
  | "ALREADY_LISTENING"
  | "NOT_LISTENING"
  | "SHUTDOWN_TIMEOUT";

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
