// Server requests: the server sends a declared server event with a request id (`rid`) and awaits the client's
// `$reply`, validated by the event's reply schema, with a timeout. The pending requests of a socket live on the
// socket (under a symbol), so they die with it; a close rejects them at once, even while a handler of the same
// connection is still running (it may be the one awaiting the reply: the engine's GONE and URGENT hooks).

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { AnyProtocol } from "./define.ts";
import { toWireIssues } from "./envelope.ts";
import { ServerRequestError } from "./errors.ts";
import { encodeMsgpack } from "./msgpack.ts";
import { SPEAKS_MSGPACK, type ProtocolSocket } from "./reply.ts";
import { ownState } from "./state.ts";

export const DEFAULT_REQUEST_TIMEOUT = 10_000;

export interface ServerRequestOptions {
  /** Ms to wait for the client's reply (default 10 000); then REPLY_TIMEOUT. */
  timeout?: number;
  /** Stops waiting: the request rejects with ABORTED (the client may still run its handler). */
  signal?: AbortSignal;
}

interface Pending {
  readonly event: string;
  readonly standard: StandardSchemaV1["~standard"];
  resolve(value: unknown): void;
  reject(error: ServerRequestError): void;
  timer: ReturnType<typeof setTimeout>;
  abort: (() => void) | undefined;
  signal: AbortSignal | undefined;
}

interface Asked {
  /** The last request id used on this socket: ids stay unique for the socket's life. */
  next: number;
  /** Requests awaiting their reply; null while none does (the socket may stay open long after its last request). */
  pending: Map<number, Pending> | null;
}

const ASKED = Symbol("bunwire.asked");
type AskingSocket = ProtocolSocket & { [ASKED]?: Asked };

/** `protocol.request(ws, event, data, options)`: resolves with the client's validated reply. */
export function askClient(declaration: AnyProtocol, socket: object, event: string, data: unknown, options: ServerRequestOptions = {}): Promise<unknown> {
  const ws = socket as AskingSocket;
  const schema = (declaration.replies as Record<string, StandardSchemaV1 | undefined> | undefined)?.[event];
  if (schema === undefined || !Object.hasOwn(declaration.replies!, event)) {
    return Promise.reject(new ServerRequestError("NOT_SERVED", `"${event}" is not a server request of protocol "${declaration.name}": declare its reply schema in \`replies\``, event));
  }
  if (ws === null || typeof ws !== "object" || ownState(declaration, ws) === undefined) {
    return Promise.reject(new ServerRequestError("NOT_SERVED", `this socket is not served by handlers of protocol "${declaration.name}": its replies would reach no one`, event));
  }
  if (ws.readyState !== 1) return Promise.reject(new ServerRequestError("DISCONNECTED", `the socket is closed: "${event}" was not sent`, event));
  const signal = options.signal;
  if (signal?.aborted === true) return Promise.reject(new ServerRequestError("ABORTED", `"${event}" aborted before it was sent`, event));
  const timeout = options.timeout ?? DEFAULT_REQUEST_TIMEOUT;
  if (!(timeout > 0)) return Promise.reject(new ServerRequestError("INVALID_OPTION", `request("${event}"): timeout must be a number > 0, got ${String(options.timeout)}`, event));

  const asked = (ws[ASKED] ??= { next: 0, pending: null });
  const rid = ++asked.next;
  let frame: string | Uint8Array;
  try {
    frame = ws[SPEAKS_MSGPACK] === true ? encodeMsgpack({ event, data, rid }) : '{"event":' + JSON.stringify(event) + ',"data":' + (JSON.stringify(data) ?? "null") + ',"rid":' + rid + "}";
  } catch (error) {
    return Promise.reject(new ServerRequestError("INVALID_OPTION", `request("${event}"): data is not serialisable: ${(error as Error).message}`, event));
  }
  return new Promise((resolve, reject) => {
    const pending: Pending = {
      event,
      standard: schema["~standard"],
      resolve,
      reject,
      timer: setTimeout(() => settle(ws, rid, new ServerRequestError("REPLY_TIMEOUT", `no reply to "${event}" within ${timeout} ms`, event)), timeout),
      abort: undefined,
      signal,
    };
    if (signal !== undefined) {
      pending.abort = () => settle(ws, rid, new ServerRequestError("ABORTED", `"${event}" aborted while waiting for the reply`, event));
      signal.addEventListener("abort", pending.abort, { once: true });
    }
    (asked.pending ??= new Map()).set(rid, pending);
    // 0: Bun dropped the frame (the socket is closing); -1 is backpressure, the frame is still queued.
    if (ws.send(frame) === 0) settle(ws, rid, new ServerRequestError("DISCONNECTED", `the socket closed before "${event}" was sent`, event));
  });
}

/** Ends one pending request: with the client's reply (validated here), or with an error. */
function settle(ws: AskingSocket, rid: number, outcome: ServerRequestError | { reply: unknown }): void | Promise<void> {
  const asked = ws[ASKED];
  const pending = asked?.pending?.get(rid);
  if (pending === undefined) return;
  asked!.pending!.delete(rid);
  if (asked!.pending!.size === 0) asked!.pending = null;
  clearTimeout(pending.timer);
  if (pending.abort !== undefined) pending.signal!.removeEventListener("abort", pending.abort);
  if (outcome instanceof ServerRequestError) return pending.reject(outcome);
  const result = pending.standard.validate(outcome.reply);
  if (result instanceof Promise) return result.then((checked) => finish(pending, checked), (error: unknown) => pending.reject(invalid(pending, [{ message: String(error) }])));
  finish(pending, result);
}

function finish(pending: Pending, result: StandardSchemaV1.Result<unknown>): void {
  if (result.issues !== undefined) return pending.reject(invalid(pending, result.issues));
  pending.resolve(result.value);
}

function invalid(pending: Pending, issues: ReadonlyArray<StandardSchemaV1.Issue>): ServerRequestError {
  return new ServerRequestError("INVALID_REPLY", `the client's reply to "${pending.event}" does not match its schema`, pending.event, toWireIssues(issues));
}

/** True while the socket awaits a reply: only then is an early look at a message worth a parse. */
export function awaitsReply(ws: object): boolean {
  const asked = (ws as AskingSocket)[ASKED];
  return asked !== undefined && asked.pending !== null;
}

/**
 * A `$reply` envelope from the client: `{ event: "$reply", rid, data }` or `{ event: "$reply", rid, error }`. A reply
 * to nothing pending (late, after a timeout, or made up) is dropped: the request has already been settled.
 */
export function takeReply(ws: object, envelope: { rid?: unknown; data?: unknown; error?: unknown }): void | Promise<void> {
  const rid = envelope.rid;
  if (typeof rid !== "number") return;
  const socket = ws as AskingSocket;
  const pending = socket[ASKED]?.pending?.get(rid);
  if (pending === undefined) return;
  const error = envelope.error;
  if (error === undefined) return settle(socket, rid, { reply: envelope.data });
  const { code, message } = (error !== null && typeof error === "object" ? error : {}) as { code?: unknown; message?: unknown };
  const wireCode = typeof code === "string" && code.length > 0 ? code : "HANDLER_ERROR";
  return settle(socket, rid, new ServerRequestError(wireCode, typeof message === "string" ? message : `the client failed to answer "${pending.event}"`, pending.event));
}

/** The socket closed: every request still waiting on it fails with DISCONNECTED. */
export function socketGone(ws: object): void {
  const socket = ws as AskingSocket;
  const asked = socket[ASKED];
  if (asked === undefined || asked.pending === null) return;
  for (const [rid, pending] of [...asked.pending]) {
    settle(socket, rid, new ServerRequestError("DISCONNECTED", `the socket closed before the reply to "${pending.event}"`, pending.event));
  }
}
