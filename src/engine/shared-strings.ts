// Strings that sockets keep, shared between the sockets that hold the same text. A matched param or a path is a
// slice of its upgrade's url, and JSC's slices (regex captures included) share their base string's buffer: kept for
// the socket's life (`ws.data.params`, `ctx.params`, `paramsOf(ws)`, a file route's `ctx.path`), a 4-character room
// id keeps the whole url alive, query string and all, while the sockets of one room all hold the same text (issue
// 16: `bench/memory.ts` ids app+param, fs+room). So a table keeps one fresh copy of each text, and sockets point at
// it. Only strings (and what is made from them) are shared: every socket keeps its own params object.

import type { Params } from "./path-pattern.ts";

/** Distinct param values remembered before the table starts over. */
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

/**
 * Values made from texts, remembered under a fresh copy of their text (the key would otherwise keep its url alive),
 * bounded in entries and in text length: past `maxEntries` the table starts over, and a longer text is not
 * remembered. Either only costs a remake: a table never changes a value.
 */
export class StringTable<V, C = undefined> {
  readonly #known = new Map<string, V>();
  readonly #maxEntries: number;
  readonly #maxLength: number;
  readonly #make: (copy: string, context: C) => V;

  /** `make` builds the value of a text from its fresh copy and the caller's context (no closure per lookup). */
  constructor(maxEntries: number, maxLength: number, make: (copy: string, context: C) => V) {
    this.#maxEntries = maxEntries;
    this.#maxLength = maxLength;
    this.#make = make;
  }

  valueFor(text: string, context: C): V {
    if (text.length > this.#maxLength) return this.#make(freshCopy(text), context);
    const known = this.#known.get(text);
    if (known !== undefined) return known;
    if (this.#known.size >= this.#maxEntries) this.#known.clear();
    const copy = freshCopy(text);
    const made = this.#make(copy, context);
    this.#known.set(copy, made);
    return made;
  }
}

/** One copy of each param value among the open sockets. */
export class SharedStrings {
  readonly #values = new StringTable<string>(MAX_VALUES, MAX_SHARED_LENGTH, (copy) => copy);

  /** The one remembered copy of `value` (a value over MAX_SHARED_LENGTH: a copy of its own). */
  share(value: string): string {
    return this.#values.valueFor(value, undefined);
  }

  /** Puts the remembered copies in `params` (a match's own object), in place. */
  shareParams(params: Params): void {
    for (const name in params) params[name] = this.share(params[name]!);
  }
}
