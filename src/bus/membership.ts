// Who else is on the bus. Every instance sends a heartbeat to all the others every `heartbeatMs` and says hello
// when it (re)connects, which every other instance answers with a heartbeat of its own, so a new instance knows
// the whole cluster after one round trip. An instance is forgotten when it says goodbye, or when three of its
// own heartbeat intervals pass without one: that is how a cluster request knows which instances did not answer.

/** Heartbeats an instance may miss before the others forget it. */
const MISSED_BEATS = 3;

export class Membership {
  /** instance id -> when it expires (ms since the epoch). */
  readonly #expiry = new Map<string, number>();

  /** A heartbeat arrived: `instance` is alive for three of its intervals. Returns true when it is new. */
  seen(instance: string, intervalMs: number): boolean {
    const known = this.#expiry.has(instance);
    this.#expiry.set(instance, Date.now() + MISSED_BEATS * Math.max(intervalMs, 1));
    return !known;
  }

  /** It said goodbye. Returns true when it was known. */
  gone(instance: string): boolean {
    return this.#expiry.delete(instance);
  }

  has(instance: string): boolean {
    const expiry = this.#expiry.get(instance);
    return expiry !== undefined && expiry > Date.now();
  }

  /** The instances alive now; forgets the expired ones. */
  alive(): string[] {
    const now = Date.now();
    const alive: string[] = [];
    for (const [instance, expiry] of this.#expiry) {
      if (expiry > now) alive.push(instance);
      else this.#expiry.delete(instance);
    }
    return alive;
  }

  #turn = 0;

  /** The instance to probe this beat (each alive one in turn, so one frame per beat whatever the cluster's size). */
  nextToProbe(): string | undefined {
    const alive = this.alive();
    return alive.length === 0 ? undefined : alive[this.#turn++ % alive.length];
  }

  clear(): void {
    this.#expiry.clear();
  }
}
