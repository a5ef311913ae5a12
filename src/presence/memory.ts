// Presence on one instance, in memory: the same contract as `redisPresence` (join/leave counted once per id,
// events, list, track by connection identity) without a Redis. For one process; several instances need Redis.

import { BunwireError } from "../engine/errors.ts";
import { checkOptionNames } from "../engine/option-names.ts";
import { checkPresenceName, PresenceTracking, type PresenceEvent, type PresenceListener, type PresenceMember, type PresenceMeta } from "./store.ts";

const RESOLVED = Promise.resolve();

export interface MemoryPresenceOptions {
  /** Largest metadata accepted, as JSON (default 4096 bytes). */
  maxMetaBytes?: number;
}

function invalid(message: string): BunwireError {
  return new BunwireError("INVALID_OPTION", message);
}

export class MemoryPresence extends PresenceTracking {
  /** topic -> id -> [entries, meta]. */
  readonly #topics = new Map<string, Map<string, [number, PresenceMeta]>>();
  readonly #listeners = new Map<string, Set<PresenceListener>>();
  readonly #maxMetaBytes: number;

  constructor(options: MemoryPresenceOptions = {}) {
    super();
    checkOptionNames(options, ["maxMetaBytes"], "memoryPresence()");
    const max = options.maxMetaBytes ?? 4096;
    if (!Number.isInteger(max) || max < 1) throw invalid(`memoryPresence maxMetaBytes must be an integer >= 1, got ${String(max)}`);
    this.#maxMetaBytes = max;
  }

  async join(topic: string, id: string, meta: PresenceMeta = null): Promise<void> {
    checkPresenceName(topic, "topic", invalid);
    checkPresenceName(id, "id", invalid);
    const json = JSON.stringify(meta);
    if (json === undefined || Buffer.byteLength(json) > this.#maxMetaBytes) {
      throw invalid(`presence meta for "${id}" must be JSON of at most ${this.#maxMetaBytes} bytes`);
    }
    let ids = this.#topics.get(topic);
    if (ids === undefined) this.#topics.set(topic, (ids = new Map()));
    const entry = ids.get(id);
    if (entry !== undefined) {
      entry[0]++;
      return;
    }
    // A copy: later changes to the caller's object must not change what others were told.
    const stored = JSON.parse(json) as PresenceMeta;
    ids.set(id, [1, stored]);
    this.#emit({ type: "join", topic, id, meta: stored });
  }

  async leave(topic: string, id: string): Promise<void> {
    const ids = this.#topics.get(topic);
    const entry = ids?.get(id);
    if (ids === undefined || entry === undefined || --entry[0] > 0) return;
    ids.delete(id);
    if (ids.size === 0) this.#topics.delete(topic);
    this.#emit({ type: "leave", topic, id, meta: entry[1] });
  }

  async list(topic: string): Promise<PresenceMember[]> {
    const ids = this.#topics.get(topic);
    return ids === undefined ? [] : [...ids].map(([id, [, meta]]) => ({ id, meta }));
  }

  subscribe(topic: string, listener: PresenceListener): () => void {
    let set = this.#listeners.get(topic);
    if (set === undefined) this.#listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      if (set.delete(listener) && set.size === 0) this.#listeners.delete(topic);
    };
  }

  /** In memory, a listener hears every event from the moment it subscribes. */
  live(_topic: string): Promise<void> {
    return RESOLVED;
  }

  #emit(event: PresenceEvent): void {
    const set = this.#listeners.get(event.topic);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }
}

/** Presence for one instance (no Redis): pass it to `handle({ presence: { store } })` or use it directly. */
export function memoryPresence(options?: MemoryPresenceOptions): MemoryPresence {
  return new MemoryPresence(options);
}
