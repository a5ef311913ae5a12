// The strings every connection to one concrete path of a file route shares: its path and its topic. Each upgrade's
// pathname is a slice of that upgrade's url, which keeps the whole url alive (src/engine/shared-strings.ts says
// why): kept per socket on `ctx`, it costs far more than its bytes (issue 16), while every connection to
// `/ws/room/42` holds the same text. So the route remembers one fresh copy per concrete path (the param values are
// shared by the engine). Each connection still gets its own `ctx` and params object.

import { StringTable, type Params } from "../engine/index.ts";
import type { Segment } from "./scan.ts";
import { topicOf } from "./topic.ts";

/** Concrete paths remembered per route before the table starts over. */
const MAX_PATHS = 1024;
/** Longer paths get their strings per connection: a flood of upgrades must not fill the table with bytes. */
export const MAX_REMEMBERED_PATH = 256;

/** One concrete path's shared strings. */
export interface PathStrings {
  readonly path: string;
  readonly topic: string;
}

/** A route's table of concrete paths: `stringsFor` answers the same strings for every connection to one path. */
export class RoutePaths {
  readonly #paths: StringTable<PathStrings, Params>;

  constructor(segments: readonly Segment[]) {
    this.#paths = new StringTable(MAX_PATHS, MAX_REMEMBERED_PATH, (path, params) => ({ path, topic: topicOf(segments, params, path) }));
  }

  /** The shared strings of `pathname`, whose `params` the engine matched. */
  stringsFor(pathname: string, params: Params): PathStrings {
    return this.#paths.valueFor(pathname, params);
  }
}
