// Named errors with stable codes (after `ws`'s WS_ERR_*): the HTTP status or close code that goes with each
// travels with it, so every front door answers the same failure the same way.

export type BunwireErrorCode =
  | "MALFORMED_URI"
  | "ROUTE_CONFLICT"
  | "INVALID_ROUTE"
  | "INVALID_HANDLER"
  | "UPGRADE_FAILED"
  | "UPGRADE_TIMEOUT"
  | "INVALID_BODY"
  | "QUEUE_OVERFLOW"
  | "NOT_LISTENING";

export class BunwireError extends Error {
  override readonly name = "BunwireError";
  constructor(
    readonly code: BunwireErrorCode,
    message: string,
    /** The HTTP status this failure answers with, when it happens during a request. */
    readonly status = 500,
  ) {
    super(message);
  }
}
