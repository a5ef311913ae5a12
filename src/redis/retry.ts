// How every Redis connection bunwire opens retries: exponential backoff with jitter, never giving up.

export interface ReconnectOptions {
  /** First retry delay (default 50 ms); doubles per attempt. */
  minDelayMs?: number;
  /** Retry delay cap (default 2000 ms). Retries never stop. */
  maxDelayMs?: number;
}

export function retryStrategy(options: ReconnectOptions = {}): (times: number) => number {
  const min = options.minDelayMs ?? 50;
  const max = options.maxDelayMs ?? 2000;
  // Jitter keeps a fleet of instances from reconnecting in lock-step after Redis comes back.
  return (times) => Math.min(max, min * 2 ** Math.min(times - 1, 16)) * (0.8 + Math.random() * 0.4);
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connection URLs may carry a password: never print it. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid url)";
  }
}
