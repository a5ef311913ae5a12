// The bookkeeping of cluster requests, whatever carries them: the handlers this instance answers with, and the
// requests it is waiting on (who is expected, who answered, the timeout). A request completes when every
// instance expected has answered or left, or when its timeout passes; it never rejects.

import { BunwireError } from "../engine/errors.ts";
import { SIZES, type Sizes } from "../engine/sizes.ts";
import type { BusPayload, ClusterReplies, ClusterRequestContext, ClusterRequestHandler, ClusterRequestOptions } from "./contract.ts";
import { REPLY_DATA, REPLY_FAILED, REPLY_NONE } from "./frame.ts";

export interface Answer {
  status: number;
  data: BusPayload;
}

const NONE: Answer = { status: REPLY_NONE, data: "" };

interface Pending {
  /** Instances that have not answered yet. */
  waiting: Set<string>;
  /** Instances that left (goodbye) before answering. */
  left: string[];
  result: ClusterReplies;
  timer: ReturnType<typeof setTimeout>;
  resolve(result: ClusterReplies): void;
}

/** A request name travels in one byte of length and must not be empty. */
export function checkRequestName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0 || Buffer.byteLength(name) > 255) {
    throw new BunwireError("INVALID_OPTION", `a cluster request name must be a non-empty string of at most 255 bytes, got ${JSON.stringify(name)}`);
  }
}

export class ClusterRequests {
  readonly #handlers = new Map<string, ClusterRequestHandler>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  on(name: string, handler: ClusterRequestHandler): () => void {
    checkRequestName(name);
    if (typeof handler !== "function") throw new BunwireError("INVALID_HANDLER", `onRequest("${name}") needs a function`);
    if (this.#handlers.has(name)) throw new BunwireError("INVALID_HANDLER", `cluster request "${name}" already has a handler on this bus`);
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  /** Runs this instance's handler for `name`. Never throws: a failure is an answer too. */
  async answer(name: string, data: BusPayload, context: ClusterRequestContext): Promise<Answer> {
    const handler = this.#handlers.get(name);
    if (handler === undefined) return NONE;
    try {
      const out = await handler(data, context);
      if (out === undefined) return NONE;
      if (typeof out === "string" || out instanceof Uint8Array) return { status: REPLY_DATA, data: out };
      return { status: REPLY_FAILED, data: `the handler of "${name}" returned neither a string, bytes nor undefined` };
    } catch (error) {
      return { status: REPLY_FAILED, data: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Opens a request awaiting `expected` (this instance included); resolves at the last answer or the timeout. */
  open(expected: Iterable<string>, timeoutMs: number): { id: number; done: Promise<ClusterReplies> } {
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0 || 1;
    let resolve!: (result: ClusterReplies) => void;
    const done = new Promise<ClusterReplies>((r) => (resolve = r));
    const pending: Pending = {
      waiting: new Set(expected),
      left: [],
      result: { replies: [], missing: [], failed: [] },
      timer: setTimeout(() => this.#finish(id), timeoutMs),
      resolve,
    };
    this.#pending.set(id, pending);
    return { id, done };
  }

  /** An answer arrived (or this instance's own). Answers from instances not expected are kept too. */
  settle(from: string, id: number, answer: Answer): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    const { result } = pending;
    if (!pending.waiting.delete(from) && (result.replies.some((r) => r.instance === from) || result.failed.some((f) => f.instance === from))) return;
    if (answer.status === REPLY_DATA) result.replies.push({ instance: from, data: answer.data });
    else if (answer.status === REPLY_FAILED) result.failed.push({ instance: from, message: String(answer.data) });
    if (pending.waiting.size === 0) this.#finish(id);
  }

  /** `instance` said goodbye: it will not answer, so nothing waits for it. */
  gone(instance: string): void {
    for (const [id, pending] of this.#pending) {
      if (!pending.waiting.delete(instance)) continue;
      pending.left.push(instance);
      if (pending.waiting.size === 0) this.#finish(id);
    }
  }

  /** The bus is closing: every open request resolves with what it has. */
  [SIZES](): Sizes {
    return { "bus.requests": this.#pending.size };
  }

  finishAll(): void {
    for (const id of [...this.#pending.keys()]) this.#finish(id);
  }

  #finish(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.result.missing = [...pending.left, ...pending.waiting];
    pending.resolve(pending.result);
  }
}

/** Bad arguments are a programming error: a clear rejection, before anything is sent. */
export function checkRequest(data: unknown, options: ClusterRequestOptions): void {
  const invalid = (message: string) => new BunwireError("INVALID_OPTION", `bus.request: ${message}`);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) throw invalid("data must be a string or bytes");
  const { topic, timeoutMs } = options;
  if (topic !== undefined && (typeof topic !== "string" || Buffer.byteLength(topic) > 65_535)) throw invalid("topic must be a string of at most 65,535 bytes");
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs < 2 ** 31)) throw invalid(`timeoutMs must be a number of ms > 0, got ${timeoutMs}`);
}
