// The application heartbeat (browsers cannot send WebSocket pings): a `$ping` every `interval` while open; when
// no frame at all arrives within `timeout` after one, the connection is half-open and is declared dead.

import type { HeartbeatOptions } from "./options.ts";

export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: Required<HeartbeatOptions> | false) {}

  /** `ping` sends a `$ping` (false when it could not); `dead` is called once on silence. */
  start(ping: () => boolean, dead: () => void): void {
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
    this.interval = this.deadline = undefined;
  }
}
