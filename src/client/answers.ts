// The client's side of server requests: one handler per declared server request; its return value (or resolved
// promise) is the reply. A request with no handler, or whose handler throws, is answered with an error so the
// server's `request` fails at once (NO_HANDLER, HANDLER_ERROR or the code of a thrown BunwireError) instead of
// timing out. A reply goes back on the connection the request came on, or nowhere: the server's request on a
// dropped connection has already failed with DISCONNECTED, and a new connection knows nothing of it.

import { BunwireError } from "../engine/errors.ts";

export type RequestHandler = (data: unknown) => unknown;

interface ServerRequest {
  event: string;
  data?: unknown;
  rid: number;
}

/** What the client sends back: `{ event: "$reply", rid, data }` or `{ event: "$reply", rid, error }`. */
export interface ReplyFrame {
  event: "$reply";
  rid: number;
  data?: unknown;
  error?: { code: string; message: string };
}

export class Answers {
  private readonly handlers = new Map<string, RequestHandler>();

  /** Registers the handler of `event` (replacing any); returns the function that removes it. */
  set(event: string, handler: RequestHandler): () => void {
    this.handlers.set(event, handler);
    return () => {
      if (this.handlers.get(event) === handler) this.handlers.delete(event);
    };
  }

  /** Runs the handler of a server request and hands its reply to `send` (false once that connection is gone). */
  answer(request: ServerRequest, send: (frame: ReplyFrame) => boolean): void {
    const { event, rid } = request;
    const handler = this.handlers.get(event);
    if (handler === undefined) {
      send({ event: "$reply", rid, error: { code: "NO_HANDLER", message: `the client has no handler for "${event}" (client.onRequest)` } });
      return;
    }
    let result: unknown;
    try {
      result = handler(request.data);
    } catch (error) {
      send(failure(rid, event, error));
      return;
    }
    if (result instanceof Promise || (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function")) {
      Promise.resolve(result).then(
        (value) => void send({ event: "$reply", rid, data: value === undefined ? null : value }),
        (error: unknown) => void send(failure(rid, event, error)),
      );
      return;
    }
    send({ event: "$reply", rid, data: result === undefined ? null : result });
  }
}

function failure(rid: number, event: string, thrown: unknown): ReplyFrame {
  // Like the server: only bunwire's errors choose their code and message.
  if (thrown instanceof BunwireError) return { event: "$reply", rid, error: { code: thrown.code, message: thrown.message } };
  return { event: "$reply", rid, error: { code: "HANDLER_ERROR", message: `the client's handler of "${event}" failed` } };
}
