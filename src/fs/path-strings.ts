// The strings every connection to one concrete path of a file route shares: its path, its topic and its param
// values. Each upgrade's pathname and params are slices of that upgrade's url, allocated among its garbage: kept
// per socket on `ctx`, they pin far more memory than their bytes (issue 16), while every connection to
// `/ws/room/42` holds the same text. So the route remembers one copy per concrete path, and a connection's `ctx`
// and params point at those. Only strings are shared: each connection still gets its own `ctx` and params object.

import type { Params } from "../engine/index.ts";
import type { Segment } from "./scan.ts";
import { topicOf } from "./topic.ts";

/** Concrete paths remembered per route before the table starts over (it only saves memory, never changes a value). */
const MAX_PATHS = 4096;

/** One concrete path's shared strings. */
export interface PathStrings {
  readonly path: string;
  readonly topic: string;
  /** The param values as the engine decoded them, by param name. */
  readonly values: Params;
}

/** A route's table of concrete paths: `stringsFor` answers the same strings for every connection to one path. */
export class RoutePaths {
  readonly #segments: readonly Segment[];
  readonly #byPath = new Map<string, PathStrings>();

  constructor(segments: readonly Segment[]) {
    this.#segments = segments;
  }

  /** The shared strings of `pathname`; `params` (this upgrade's own object) gets the shared values in place. */
  stringsFor(pathname: string, params: Params): PathStrings {
    let known = this.#byPath.get(pathname);
    if (known === undefined) {
      if (this.#byPath.size >= MAX_PATHS) this.#byPath.clear();
      known = { path: pathname, topic: topicOf(this.#segments, params, pathname), values: { ...params } };
      this.#byPath.set(pathname, known);
    }
    const values = known.values;
    for (const name in params) {
      const value = values[name];
      if (value !== undefined) params[name] = value;
    }
    return known;
  }
}
