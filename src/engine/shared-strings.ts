// One copy of each param value among the open sockets. A matched param is a slice of its upgrade's url, and JSC's
// slices (regex captures included) share their base string's buffer: kept for the socket's life (`ws.data.params`,
// `ctx.params`, `paramsOf(ws)`), a 4-character room id keeps the whole url alive, query string and all, while the
// sockets of one room all hold the same text (issue 16: `bench/memory.ts` ids app+param, fs+room). So the table
// keeps one fresh copy of each value, and sockets point at it. Only the strings are shared: every socket keeps its
// own params object.

import type { Params } from "./path-pattern.ts";

/** Distinct values remembered before the table starts over (it only saves memory, never changes a value). */
const MAX_VALUES = 4096;
/** Longer values are copied, not remembered: rarely shared, and a flood of upgrades must not fill the table with bytes. */
export const MAX_SHARED_LENGTH = 256;

/**
 * `text` in a string of its own. A slice of a string, a regex capture, `[text].join("")` or a template of it share
 * (and so keep alive) the buffer of the string it was cut from; a join of two pieces builds a new one.
 */
export function freshCopy(text: string): string {
  return [text, ""].join("");
}

export class SharedStrings {
  readonly #known = new Map<string, string>();

  /** The one remembered copy of `value`. */
  share(value: string): string {
    if (value.length > MAX_SHARED_LENGTH) return freshCopy(value);
    const known = this.#known.get(value);
    if (known !== undefined) return known;
    if (this.#known.size >= MAX_VALUES) this.#known.clear();
    const copy = freshCopy(value);
    this.#known.set(copy, copy);
    return copy;
  }

  /** Puts the remembered copies in `params` (a match's own object), in place. */
  shareParams(params: Params): void {
    for (const name in params) params[name] = this.share(params[name]!);
  }
}
