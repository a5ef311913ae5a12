// The `ctx` of one file-route connection, made at admission: its topic, its params and broadcasting through the
// engine's one publish path (so a bus carries it to other instances, and the sender receives it too).

import type { Engine, Params, PublishData } from "../engine/index.ts";
import type { PathStrings } from "./path-strings.ts";
import type { Segment } from "./scan.ts";
import type { WebSocketContext } from "./types.ts";

class Context implements WebSocketContext {
  readonly topic: string;
  readonly params: Params;
  readonly path: string;
  readonly #engine: Engine;

  constructor(engine: Engine, topic: string, params: Params, path: string) {
    this.#engine = engine;
    this.topic = topic;
    this.params = params;
    this.path = path;
  }

  broadcast(message: PublishData, compress = false): number {
    return this.#engine.publish(this.topic, message, compress);
  }

  broadcastJSON(value: unknown, compress = false): number {
    return this.#engine.publish(this.topic, JSON.stringify(value), compress);
  }
}

/** The route's params under their folder names (a catch-all arrives from the engine as "*"). */
function folderParams(segments: readonly Segment[], params: Params): Params {
  const rest = segments.find((s) => s.kind === "rest");
  if (rest === undefined || rest.kind !== "rest") return params;
  const { "*": value, ...others } = params;
  return value === undefined ? others : { ...others, [rest.name]: value };
}

/** A connection's `ctx`: its own params object, its path's shared strings (src/fs/path-strings.ts). */
export function createContext(engine: Engine, segments: readonly Segment[], params: Params, strings: PathStrings): WebSocketContext {
  return new Context(engine, strings.topic, folderParams(segments, params), strings.path);
}
