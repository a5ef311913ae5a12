// Errors the client raises. `ClientError` is about the connection (timeout, queue, closed);
// `RequestError` is the server's error reply to a request or a `$error` event, with its stable code.

import { BunwireError } from "../engine/errors.ts";

export type ClientErrorCode = "TIMEOUT" | "QUEUE_FULL" | "DISCONNECTED" | "CLOSED" | "ABORTED" | "NO_WEBSOCKET" | "INVALID_OPTIONS";

export class ClientError extends BunwireError {
  override name = "ClientError";
  declare readonly code: ClientErrorCode;

  /** `cause`: for ABORTED, the signal's reason. */
  constructor(code: ClientErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}

export interface RequestIssue {
  message: string;
  path?: (string | number)[];
}

export class RequestError extends BunwireError {
  override name = "RequestError";
  /** The server's code: VALIDATION_FAILED, UNKNOWN_EVENT, HANDLER_ERROR, NOT_ALLOWED, or the app's own. */
  declare readonly code: string;
  readonly issues: RequestIssue[] | undefined;
  /** For `$error` events: the client event that failed, when the server names it. */
  readonly event: string | undefined;

  constructor(wire: unknown) {
    const error = (wire !== null && typeof wire === "object" ? wire : {}) as { code?: unknown; message?: unknown; issues?: unknown; event?: unknown };
    super(typeof error.code === "string" ? error.code : "UNKNOWN", typeof error.message === "string" ? error.message : "request failed");
    this.issues = Array.isArray(error.issues) ? (error.issues as RequestIssue[]) : undefined;
    this.event = typeof error.event === "string" ? error.event : undefined;
  }
}

/** What a call on a closed client throws (or rejects with). */
export function closedError(message = "the client is closed"): ClientError {
  return new ClientError("CLOSED", message);
}
