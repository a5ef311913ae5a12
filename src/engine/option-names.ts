// Unknown option names: a typo (`allowedOrigin`) would otherwise be ignored in silence. One check, with a
// "did you mean", for every option object; no imports beyond the errors, so the client uses it too.

import { BunwireError } from "./errors.ts";

/** Every option name of T; the compiler refuses a missing or an extra one: `optionKeys<CorsOptions>({ origin: true, ... })`. */
export function optionKeys<T>(names: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(names);
}

/** Edits (insert, delete, replace) from `a` to `b`, case-insensitive: one row of the Levenshtein table at a time. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const row = [...Array(b.length + 1).keys()];
  for (let i = 0; i < a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i + 1;
    for (let j = 0; j < b.length; j++) {
      const above = row[j + 1]!;
      row[j + 1] = Math.min(above + 1, row[j]! + 1, diagonal + (a[i] === b[j] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The known name a misspelt one most likely meant: one it abbreviates (`ttl` for `ttlMs`, `maxLen` for
 * `maxLength`), else the closest within a third of its length (at least 2 edits).
 */
function nearest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length >= 3) {
    const longer = known.find((candidate) => candidate.toLowerCase().startsWith(lower));
    if (longer !== undefined) return longer;
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, name.length / 3);
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d <= bestDistance) [best, bestDistance] = [candidate, d - 0.5];
  }
  return best;
}

/** `unknown option "x" (did you mean "y"?)` for the first name of `options` not in `known`, else undefined. */
export function unknownOption(options: object, known: readonly string[]): string | undefined {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    return `unknown option "${key}"${near === undefined ? "" : ` (did you mean "${near}"?)`}`;
  }
  return undefined;
}

/** Throws INVALID_OPTION (`where: ...`) when `options` is no object or has a name not in `known`; undefined passes. */
export function checkOptionNames(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new BunwireError("INVALID_OPTION", `${where}: options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`);
  }
  const problem = unknownOption(options, known);
  if (problem !== undefined) throw new BunwireError("INVALID_OPTION", `${where}: ${problem}`);
}
