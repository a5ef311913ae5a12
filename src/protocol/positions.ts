// The latest sequence number this instance knows was recorded on each topic of a history: from its own appends,
// the positions its joins hand out and the replays it sends. When an append fails, the event goes out stamped
// with it (`after`), so a client whose history-given position is already past it knows the event is older than
// that position (docs/PROTOCOL.md, "Events the history could not record").

import type { TopicHistory } from "../engine/history.ts";

/** Topics remembered per history; past it the least recently noted one is forgotten (its events go unstamped). */
const MAX_TOPICS = 10_000;

const LATEST = Symbol("bunwire.latestPositions");

export class LatestPositions {
  /** In order of the last note: the first key is the least recently noted topic. */
  readonly #seqs = new Map<string, number>();

  /** Position `seq` of `topic` was recorded (an append, a join's position, a replayed entry). */
  note(topic: string, seq: number): void {
    const seqs = this.#seqs;
    const known = seqs.get(topic);
    if (known !== undefined) {
      seqs.delete(topic);
      if (known > seq) seq = known;
    } else if (seqs.size >= MAX_TOPICS) {
      seqs.delete(seqs.keys().next().value!);
    }
    seqs.set(topic, seq);
  }

  /** The latest position known on `topic`; undefined when none is. */
  of(topic: string): number | undefined {
    return this.#seqs.get(topic);
  }

  get size(): number {
    return this.#seqs.size;
  }
}

/**
 * The positions known for `history`, kept on the history object itself: every `handle()` given the same history
 * (and the joins and publishes going through them) shares what it learns, and two histories never mix.
 */
export function latestPositions(history: TopicHistory): LatestPositions {
  const holder = history as TopicHistory & { [LATEST]?: LatestPositions };
  return (holder[LATEST] ??= new LatestPositions());
}
