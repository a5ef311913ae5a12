// The connection's liveness. A handshake gets `connectTimeout` to be answered (a server or proxy that accepts TCP
// and never answers the upgrade would leave the client connecting forever). Once open, the application heartbeat
// (browsers cannot send WebSocket pings): a `$ping` every `interval`; when no frame at all arrives within `timeout`
// after one, the connection is half-open and is declared dead.

import type { HeartbeatOptions } from "./options.ts";

/** Timers take at most 2^31 - 1 ms (a longer one fires at once): a longer `connectTimeout` waits for ever. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private handshake: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: Required<HeartbeatOptions> | false, private readonly connectTimeout: number) {}

  /** A socket is connecting: `expired` is called once if it does not open within `connectTimeout`. */
  connecting(expired: () => void): void {
    if (this.connectTimeout <= MAX_TIMER_MS) this.handshake = setTimeout(expired, this.connectTimeout);
  }

  /** The socket opened. `ping` sends a `$ping` (false when it could not); `dead` is called once on silence. */
  start(ping: () => boolean, dead: () => void): void {
    clearTimeout(this.handshake);
    this.handshake = undefined;
    const options = this.options;
    if (options === false) return;
    this.interval = setInterval(() => {
      if (this.deadline !== undefined || !ping()) return;
      this.deadline = setTimeout(dead, options.timeout);
    }, options.interval);
  }

  /** Any frame proves the connection alive. */
  seen(): void {
    if (this.deadline === undefined) return;
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.deadline);
    clearTimeout(this.handshake);
    this.interval = this.deadline = this.handshake = undefined;
  }
}
