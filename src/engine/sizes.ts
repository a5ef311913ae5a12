// Internal, for tests: how many entries the maps a component keys by topic, IP, user, connection or session hold
// right now. Each such component answers `[SIZES]()` with plain counts it already keeps (nothing is counted on a
// hot path for this); churn tests read them to prove every map returns to its baseline. Not public API: no entry
// point exports it, and the names may change with the code.

export const SIZES: unique symbol = Symbol.for("bunwire.sizes");

/** Map name → entries, e.g. `{ "caps.ips": 0, "topics.counted": 3 }`. */
export type Sizes = Record<string, number>;

export interface Sized {
  [SIZES](): Sizes;
}

/** What `value` reports, or `{}` when it keeps no such map. */
export function sizesOf(value: unknown): Sizes {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return {};
  const report = (value as Partial<Sized>)[SIZES];
  return typeof report === "function" ? report.call(value) : {};
}

/** Adds `more` into `into`, summing counts of the same name (several engines, several scopes). */
export function addSizes(into: Sizes, more: Sizes, prefix = ""): Sizes {
  for (const [name, count] of Object.entries(more)) into[prefix + name] = (into[prefix + name] ?? 0) + count;
  return into;
}
