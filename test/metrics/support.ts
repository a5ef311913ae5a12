// Reading a Prometheus text exposition back in tests: `name{label="value",...}` (labels sorted) → value.

export type Scrape = Map<string, number>;

/** The key a sample is found under: labels sorted by name, values as written. */
export function key(name: string, labels: Record<string, string | number> = {}): string {
  const parts = Object.keys(labels)
    .sort()
    .map((label) => `${label}="${labels[label]}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(",")}}`;
}

export function parseExposition(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
    samples.set(key(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

export async function scrape(base: string, init?: RequestInit): Promise<Scrape> {
  const response = await fetch(`${base}/metrics`, init);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

/** Scrapes until `ready(samples)` holds (server-side counters move a moment after the client's side). */
export async function scrapeUntil(base: string, ready: (samples: Scrape) => boolean, what: string, timeoutMs = 5000): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(base);
    if (ready(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** One sample's value (0 when absent: a counter nobody bumped yet may not be listed). */
export function value(samples: Scrape, name: string, labels: Record<string, string | number> = {}): number {
  return samples.get(key(name, labels)) ?? 0;
}

export const TOKEN = "test-inspector-token-0123456789";
