// One copy of each param value among the open sockets. A matched param is a slice of its upgrade's url, allocated
// among that upgrade's garbage: kept for the socket's life (`ws.data.params`, `ctx.params`, `paramsOf(ws)`), it
// pins far more memory than its own bytes, while the sockets of one room all hold the same text (issue 16:
// `bench/memory.ts` ids app+param, fs+room). Only the strings are shared: every socket keeps its own params object.

import type { Params } from "./path-pattern.ts";

/** Distinct values remembered before the table starts over (it only saves memory, never changes a value). */
const MAX_VALUES = 4096;
/** Longer values are left as they are: rarely shared, and they would let a flood of upgrades fill the table with bytes. */
export const MAX_SHARED_LENGTH = 256;

export class SharedStrings {
  readonly #known = new Map<string, string>();

  /** The one remembered copy of `value`. */
  share(value: string): string {
    if (value.length > MAX_SHARED_LENGTH) return value;
    const known = this.#known.get(value);
    if (known !== undefined) return known;
    if (this.#known.size >= MAX_VALUES) this.#known.clear();
    this.#known.set(value, value);
    return value;
  }

  /** Puts the remembered copies in `params` (a match's own object), in place. */
  shareParams(params: Params): void {
    for (const name in params) params[name] = this.share(params[name]!);
  }
}
