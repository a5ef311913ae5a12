// Graceful shutdown with a deadline: stop accepting and close every socket with 1001 (clients reconnect with
// their usual backoff), wait for in-flight handlers and the bus flush, and give up at the deadline so one handler
// that never settles cannot keep the process alive. `closeOnSignals` is the opt-in SIGTERM/SIGINT line.

import type { Server } from "bun";
import type { Bus } from "../bus/contract.ts";
import { BunwireError } from "./errors.ts";

export interface CloseOptions {
  /** Milliseconds to wait for handlers and the bus before giving up (default: the `shutdownTimeout` option, 10 000). */
  timeout?: number;
  /** Milliseconds to keep serving with readiness false before closing (default: the `drainDelay` option, 0). */
  drainDelay?: number;
}

export interface ShutdownParts {
  readonly server: Server<unknown> | undefined;
  readonly bus: Bus | undefined;
  /** Resolves when no async handler runs any more. */
  idle(): Promise<void>;
  running(): number;
  report(error: BunwireError): void;
}

export async function shutdown(parts: ShutdownParts, timeoutMs: number): Promise<void> {
  let timer: Timer | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    if (timeoutMs !== Infinity) timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  let busClosing: Promise<void> | undefined;
  const closeBus = () => (busClosing ??= parts.bus?.close().catch(() => {}) ?? Promise.resolve());
  const work = (async () => {
    await parts.server?.stop(true);
    await parts.idle();
    // After the handlers: what they published on their way out still reaches the bus before it closes.
    await closeBus();
    return "done" as const;
  })();
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (outcome === "done") return;
  const running = parts.running();
  parts.report(new BunwireError("SHUTDOWN_TIMEOUT", `close() gave up after ${timeoutMs} ms with ${running} handler${running === 1 ? "" : "s"} still running`));
  // Close what is left without waiting for it: the deadline is the deadline.
  void closeBus();
}

export interface Closable {
  close(options?: CloseOptions): Promise<void>;
}

/**
 * SIGTERM / SIGINT → `close(options)` → exit 0. A second signal while closing takes the default action, so a
 * second Ctrl-C still kills a stuck process at once.
 */
export function closeOnSignals(target: Closable, options: CloseOptions = {}): void {
  const onSignal = () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    void target.close(options).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[bunwire] close() failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
