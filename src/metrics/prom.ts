// prom-client is an optional peer of bunwire (README "Observability" says why): it is loaded when `observe()` turns
// metrics on, synchronously, so a missing one fails at start-up with MISSING_PEER (`npm install prom-client`), and
// the inspector and health checks work without it. Only the few members used are typed here, so bunwire's
// declaration files never name prom-client and compile in projects that do not install it.

import { createRequire } from "node:module";
import { BunwireError } from "../engine/errors.ts";

/** One sample as prom-client formats it. */
export interface PromValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  exemplar?: { labelSet: Record<string, string>; value: number; timestamp: number };
}

/** What prom-client's Registry accepts as a metric: anything with a name and `get()` (read at each scrape). */
export interface PromMetric {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  aggregator: "sum" | "max" | "first";
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: PromValue[] }>;
  reset(): void;
}

/** The part of a prom-client `Registry` bunwire uses; pass your own with `metrics: { registry }`. */
export interface MetricsRegistry {
  readonly contentType: string;
  registerMetric(metric: never): void;
  metrics(): Promise<string>;
}

interface PromClient {
  Registry: {
    new (contentType?: string): MetricsRegistry;
    readonly OPENMETRICS_CONTENT_TYPE: string;
    readonly PROMETHEUS_CONTENT_TYPE: string;
  };
  collectDefaultMetrics(options: { register: MetricsRegistry }): void;
}

export const OPENMETRICS = "application/openmetrics-text";

/** prom-client, or MISSING_PEER naming what to install. */
export function loadPromClient(): PromClient {
  const require = createRequire(import.meta.url);
  try {
    return require("prom-client") as PromClient;
  } catch (error) {
    // Only prom-client itself missing: an installed one that fails to load says so in its own words.
    const { code, message } = error as { code?: unknown; message?: unknown };
    if ((code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") || !String(message).includes("'prom-client'")) throw error;
    throw new BunwireError("MISSING_PEER", 'bunwire/metrics needs the optional peer dependency "prom-client" for Prometheus metrics, which is not installed: npm install prom-client (or observe({ metrics: false }))', { cause: error });
  }
}

/** True when `registry` writes OpenMetrics (exemplars are only written then). */
export function isOpenMetrics(registry: MetricsRegistry): boolean {
  return registry.contentType.startsWith(OPENMETRICS);
}
