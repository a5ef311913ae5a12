// Room positions kept across a page reload (opt-in: `connect(url, { persistOffsets: true })`): each delivered
// event's offset and sequence number is saved per topic in `sessionStorage` (or the storage you pass), and the next
// `join(topic)` of a new client, after the reload, resumes from it, so the server replays what the reload missed
// instead of starting over. One small write per delivered event on a joined topic with a history.

/** The part of the Web Storage API this uses (`sessionStorage`, `localStorage`, or your own). */
export interface OffsetStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PersistOffsetsOptions {
  /** Where positions are kept (default `sessionStorage`: one tab, across reloads). */
  storage?: OffsetStorage;
  /** Prefix of the storage keys (default `bunwire:<url>`); one key per topic. */
  key?: string;
}

export interface SavedPosition {
  offset: string;
  seq: number;
}

export class SavedOffsets {
  constructor(private readonly storage: OffsetStorage, private readonly prefix: string) {}

  load(topic: string): SavedPosition | undefined {
    let text: string | null;
    try {
      text = this.storage.getItem(this.keyOf(topic));
    } catch {
      return undefined;
    }
    if (text === null) return undefined;
    // "<seq> <offset>": the offset is opaque and may hold anything but is never empty.
    const space = text.indexOf(" ");
    const seq = Number(text.slice(0, space));
    const offset = text.slice(space + 1);
    return space > 0 && Number.isSafeInteger(seq) && offset.length > 0 ? { offset, seq } : undefined;
  }

  save(topic: string, offset: string, seq: number): void {
    try {
      this.storage.setItem(this.keyOf(topic), `${seq} ${offset}`);
    } catch {
      // A full or disabled storage only costs the recovery after a reload, never the live connection.
    }
  }

  remove(topic: string): void {
    try {
      this.storage.removeItem(this.keyOf(topic));
    } catch {
      // As above.
    }
  }

  private keyOf(topic: string): string {
    return `${this.prefix}|${topic}`;
  }
}
