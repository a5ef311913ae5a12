// Named errors of the typed-message layer. Each code is stable and appears on the wire in error replies;
// `closeCode` is what the connection closes with when the app's policy is `invalid: "close"`.
// Kept free of server imports: the client bundle uses the same codes.

import { BunwireError } from "../engine/errors.ts";

export type ProtocolErrorCode =
  | "INVALID_JSON"
  | "INVALID_ENVELOPE"
  | "UNKNOWN_EVENT"
  | "VALIDATION_FAILED"
  | "HANDLER_ERROR"
  | "NOT_ALLOWED"
  | "UNSUPPORTED_CODEC"
  | "TOO_MANY_ROOMS"
  | "RATE_LIMITED"
  | "INVALID_PROTOCOL"
  | "BROADCAST_OFF"
  | "IDEMPOTENCY_CONFLICT"
  | "IDEMPOTENCY_UNAVAILABLE"
  | "PRESENCE_UNAVAILABLE"
  | ServerRequestErrorCode;

/**
 * Why a server request (`protocol.request(ws, event, data)`) failed: no reply in time, a reply its schema refused,
 * the socket closed first, the socket is not served by this protocol, the caller aborted, or the client answered
 * with an error (NO_HANDLER when it registered none, HANDLER_ERROR when its handler threw, or the handler's own code).
 */
export type ServerRequestErrorCode = "REPLY_TIMEOUT" | "INVALID_REPLY" | "DISCONNECTED" | "NOT_SERVED" | "ABORTED" | "NO_HANDLER" | "HANDLER_ERROR";

/** One validation problem, normalised from Standard Schema issues so it survives JSON. */
export interface WireIssue {
  message: string;
  path?: (string | number)[];
}

/** Close codes per RFC 6455: 1007 = data inconsistent with the message type, 1008 = policy violation. */
const CLOSE_CODES: { readonly [code: string]: number | undefined } = {
  INVALID_JSON: 1007,
  INVALID_ENVELOPE: 1007,
  VALIDATION_FAILED: 1007,
  UNSUPPORTED_CODEC: 1007,
  UNKNOWN_EVENT: 1008,
  NOT_ALLOWED: 1008,
  TOO_MANY_ROOMS: 1008,
  RATE_LIMITED: 1008,
};

/**
 * A failure of the typed-message layer; its `code`, `message` and `issues` go on the wire in the error reply.
 * Handlers may throw their own: `throw new ProtocolError("ROOM_FULL", "the room is full")`.
 */
export class ProtocolError extends BunwireError {
  override name = "ProtocolError";
  declare readonly code: ProtocolErrorCode | (string & {});
  readonly issues: WireIssue[] | undefined;

  constructor(code: ProtocolErrorCode | (string & {}), message: string, issues?: WireIssue[]) {
    super(code, message, { closeCode: CLOSE_CODES[code] });
    this.issues = issues;
  }
}

/** A server request that did not get a valid reply; `event` is the request's event, `code` says why. */
export class ServerRequestError extends ProtocolError {
  override name = "ServerRequestError";
  declare readonly code: ServerRequestErrorCode | (string & {});

  constructor(code: ServerRequestErrorCode | (string & {}), message: string, readonly event: string, issues?: WireIssue[]) {
    super(code, message, issues);
  }
}
