// The contract for topics that keep a bounded history, so a client that reconnects can be sent what it missed.
// An in-memory implementation serves one instance; `bunwire/redis` provides one on Redis Streams for many.

/** Where one event sits in its topic's history. */
export interface HistoryPosition {
  /** Issued by the history and opaque to everyone else: `since(topic, offset)` resumes right after it. */
  offset: string;
  /**
   * The topic's sequence number: each append on a topic takes the previous number + 1, so a receiver tells a
   * duplicate (a number it has seen) from a gap (a number skipped). A history that could not record some events
   * skips their numbers, which receivers then see as the gap it is. When a history restarts a topic's numbering
   * (its store lost the data, or the topic expired), the new numbers start above every number it issued before
   * for that topic, so a receiver never mistakes a new event for an old one.
   */
  seq: number;
}

/** One stored message: its position and its payload (a serialised event). */
export interface HistoryEntry extends HistoryPosition {
  payload: string;
}

export interface Replay {
  /**
   * false when the history cannot cover the gap since the offset: trimmed by length or age, or the offset comes
   * from another history (or from before a restart). The protocol then replays nothing and tells the client to
   * resync, so `entries` may be left empty in that case.
   */
  recovered: boolean;
  /** The entries strictly after the offset, oldest first. */
  entries: HistoryEntry[];
}

export interface TopicHistory {
  /**
   * Stores `payload` on `topic` and returns its position. Calls on one topic settle (resolve or reject) in call
   * order, also when the store fails with some of them in flight: the protocol publishes each event as its append
   * settles, so this order is the publisher's order.
   */
  append(topic: string, payload: string): Promise<HistoryPosition>;
  /** Entries strictly after `offset` on `topic`. */
  since(topic: string, offset: string): Promise<Replay>;
  /**
   * The position of the latest event on `topic`, where a new subscriber starts (an empty topic has one too). A read:
   * it must not create or keep anything for a topic nothing was appended to, since any client's `$join` calls it.
   */
  last(topic: string): Promise<HistoryPosition>;
  close(): Promise<void>;
}
