// The contract for topics that keep a bounded history, so a client that reconnects can be sent what it missed.
// An in-memory implementation serves one instance; `bunwire/redis` provides one on Redis Streams for many.

/** One stored message: its offset (monotonic per topic, comparable only by the history that issued it) and payload. */
export interface HistoryEntry {
  offset: string;
  payload: string;
}

export interface Replay {
  /** false when the history no longer covers the gap (trimmed by length or age): the app must resync. */
  recovered: boolean;
  /** Missed entries after the given offset, oldest first. */
  entries: HistoryEntry[];
}

export interface TopicHistory {
  /** Stores `payload` on `topic` and returns its offset. Calls on one topic resolve in call order. */
  append(topic: string, payload: string): Promise<string>;
  /** Entries strictly after `offset` on `topic`. */
  since(topic: string, offset: string): Promise<Replay>;
  close(): Promise<void>;
}
