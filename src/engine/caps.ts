// Connection caps of one scope (a server, or a mounted front door that sets its own): a slot is reserved before
// the front door's admission runs and released when the upgrade is refused or the socket closes, so the counts
// return to zero and a per-IP entry disappears with its last connection.

import { BunwireError } from "./errors.ts";
import { SIZES, type Sizes } from "./sizes.ts";

/** Seconds a refused client is told to wait (Retry-After) before trying again. */
const RETRY_AFTER_SECONDS = "5";

/** The addresses of the slots a scope holds, read when a lazy per-IP count starts (see `ConnectionCaps`). */
export type HeldAddresses = (caps: ConnectionCaps) => Iterable<string>;

/**
 * The counts of one scope. The per-IP count is lazy when addresses come from the socket (no `trustProxy`): while
 * the scope holds fewer slots than the per-IP cap, no address can be at the cap, so an upgrade needs no address
 * (`server.requestIP()` is a native call per upgrade). Once it holds that many, the count per address is rebuilt
 * from the slots held and kept exactly until the scope falls under half the cap. Either way a refusal
 * is exact: the slots of one synchronous upgrade are counted before the next upgrade runs, and an admission that
 * goes async tells its address first (`Upgrades`).
 */
export class ConnectionCaps {
  readonly max: number;
  readonly perIp: number;
  readonly #lazy: boolean;
  #count = 0;
  /** Slots per address; null while a lazy count is idle (fewer slots than the per-IP cap). */
  #byIp: Map<string, number> | null;

  /** `lazy`: addresses come from the socket, so the count per address may wait until it can matter. */
  constructor(max: number, perIp: number, lazy = false) {
    this.max = max;
    this.perIp = perIp;
    this.#lazy = lazy && perIp !== Infinity;
    this.#byIp = this.#lazy ? null : new Map();
  }

  /** True when the per-IP cap is on. */
  get countsIps(): boolean {
    return this.perIp !== Infinity;
  }

  /** True when the next reservation must tell its address: some address may be at the per-IP cap. */
  get needsIp(): boolean {
    return this.#lazy ? this.#byIp !== null || this.#count >= this.perIp : this.countsIps;
  }

  /** Open sockets (and upgrades being admitted) in this scope. */
  get count(): number {
    return this.#count;
  }

  /** Client addresses with at least one socket, while addresses are counted. */
  get ips(): number {
    return this.#byIp?.size ?? 0;
  }

  /**
   * Takes a slot, or says why not (with the status and Retry-After to refuse with). `ip`: given when `needsIp`;
   * `held`: the addresses of the slots held now, read when a lazy count starts.
   */
  reserve(ip: string | undefined, held?: HeldAddresses): BunwireError | undefined {
    if (this.#count >= this.max) {
      return new BunwireError("TOO_MANY_CONNECTIONS", `the server holds its maximum of ${this.max} connections`, { status: 503 });
    }
    // An address given while a lazy count is idle (a route behind a trusted proxy sharing these caps) starts nothing.
    if (ip !== undefined && this.needsIp) {
      const byIp = (this.#byIp ??= this.#rebuild(held));
      const slots = byIp.get(ip) ?? 0;
      if (slots >= this.perIp) return new BunwireError("TOO_MANY_CONNECTIONS_PER_IP", `${ip} holds its maximum of ${this.perIp} connections`, { status: 429 });
      byIp.set(ip, slots + 1);
    }
    this.#count++;
    return undefined;
  }

  [SIZES](): Sizes {
    return { "caps.connections": this.#count, "caps.ips": this.ips };
  }

  /** `ip`: the address the slot was counted under, if any. */
  release(ip: string | undefined): void {
    this.#count--;
    const byIp = this.#byIp;
    if (byIp === null) return;
    if (this.#lazy && this.#count * 2 < this.perIp) {
      this.#byIp = null; // far from the cap again: stop counting per address
      return;
    }
    if (ip === undefined) return;
    const held = (byIp.get(ip) ?? 1) - 1;
    if (held > 0) byIp.set(ip, held);
    else byIp.delete(ip);
  }

  #rebuild(held: HeldAddresses | undefined): Map<string, number> {
    const byIp = new Map<string, number>();
    if (held !== undefined) for (const ip of held(this)) byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
    return byIp;
  }
}

export const RETRY_AFTER = { "Retry-After": RETRY_AFTER_SECONDS } as const;
