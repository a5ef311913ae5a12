// Topic messages published in one turn of the event loop, held until the turn ends so that consecutive messages
// to one channel reach the broker as one batch frame: one broker write and one parse on each receiver instead of
// one per message. Only consecutive messages share a batch: a message to another channel first sends what is
// held, so every receiver sees one publisher's messages in publish order, across topics too.

/** A batch is sent before it would grow past this (a single larger message still goes alone, as before). */
export const MAX_BATCH_BYTES = 64 * 1024;

/** Sends held frames of one channel (oldest first). */
export type BatchWriter = (channel: string, frames: Buffer[]) => void;

export class PublishBatch {
  readonly #write: BatchWriter;
  #channel = "";
  #frames: Buffer[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(write: BatchWriter) {
    this.#write = write;
  }

  add(channel: string, frame: Buffer): void {
    if (this.#frames.length > 0 && (channel !== this.#channel || this.#bytes + frame.byteLength > MAX_BATCH_BYTES)) this.flush();
    this.#channel = channel;
    this.#frames.push(frame);
    this.#bytes += frame.byteLength;
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Not a microtask: Bun drains microtasks after each WebSocket message handler, so a microtask would flush
    // one message at a time; an immediate runs once the turn's reads have all been handled.
    setImmediate(this.#turnEnded);
  }

  /** Sends what is held now (before anything that must not overtake it, and when the broker goes away). */
  flush(): void {
    const frames = this.#frames;
    if (frames.length === 0) return;
    this.#frames = [];
    this.#bytes = 0;
    this.#write(this.#channel, frames);
  }

  readonly #turnEnded = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
