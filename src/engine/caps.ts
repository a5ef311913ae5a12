// Connection caps of one scope (a server, or a mounted front door that sets its own): a slot is reserved before
// the front door's admission runs and released when the upgrade is refused or the socket closes, so the counts
// return to zero and a per-IP entry disappears with its last connection.

import { BunwireError } from "./errors.ts";
import { SIZES, type Sizes } from "./sizes.ts";

/** Seconds a refused client is told to wait (Retry-After) before trying again. */
const RETRY_AFTER_SECONDS = "5";

export class ConnectionCaps {
  readonly max: number;
  readonly perIp: number;
  #count = 0;
  readonly #byIp = new Map<string, number>();

  constructor(max: number, perIp: number) {
    this.max = max;
    this.perIp = perIp;
  }

  /** True when the per-IP cap is on: only then must the engine find out the client's address. */
  get countsIps(): boolean {
    return this.perIp !== Infinity;
  }

  /** Open sockets (and upgrades being admitted) in this scope. */
  get count(): number {
    return this.#count;
  }

  /** Client addresses with at least one socket (per-IP cap on). */
  get ips(): number {
    return this.#byIp.size;
  }

  /** Takes a slot, or says why not (with the status and Retry-After to refuse with). */
  reserve(ip: string | undefined): BunwireError | undefined {
    if (this.#count >= this.max) {
      return new BunwireError("TOO_MANY_CONNECTIONS", `the server holds its maximum of ${this.max} connections`, { status: 503 });
    }
    if (ip !== undefined && this.countsIps) {
      const held = this.#byIp.get(ip) ?? 0;
      if (held >= this.perIp) return new BunwireError("TOO_MANY_CONNECTIONS_PER_IP", `${ip} holds its maximum of ${this.perIp} connections`, { status: 429 });
      this.#byIp.set(ip, held + 1);
    }
    this.#count++;
    return undefined;
  }

  [SIZES](): Sizes {
    return { "caps.connections": this.#count, "caps.ips": this.#byIp.size };
  }

  release(ip: string | undefined): void {
    this.#count--;
    if (ip === undefined || !this.countsIps) return;
    const held = (this.#byIp.get(ip) ?? 1) - 1;
    if (held > 0) this.#byIp.set(ip, held);
    else this.#byIp.delete(ip);
  }
}

export const RETRY_AFTER = { "Retry-After": RETRY_AFTER_SECONDS } as const;
