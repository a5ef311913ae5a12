// `GET /metrics`: bunwire's families registered into prom-client registries, answered in the format the scraper
// asks for. Without a registry of yours, two are kept (Prometheus text and OpenMetrics, whose exemplars carry
// connection ids); with yours, bunwire's metrics join it and it answers in its own format.

import { BunwireError } from "../engine/errors.ts";
import { FAMILIES, type Family, type Source } from "./families.ts";
import { isOpenMetrics, loadPromClient, OPENMETRICS, type MetricsRegistry, type PromMetric } from "./prom.ts";

export interface MetricsOptions {
  /** Path of the scrape endpoint (default `/metrics`). */
  path?: string;
  /** Bearer token the scraper must send (`Authorization: Bearer <token>`); default: none. */
  token?: string;
  /** A prom-client Registry of yours: bunwire's metrics are added to it and it is served as it is. */
  registry?: MetricsRegistry;
  /** Also expose prom-client's process metrics (CPU, memory, event loop) in bunwire's own registries. Default false. */
  defaultMetrics?: boolean;
}

/** One family as prom-client reads it; OpenMetrics wants counter names without `_total` (it adds it per sample). */
function promMetric(family: Family, source: Source, openMetrics: boolean): PromMetric {
  const name = openMetrics && family.type === "counter" ? family.name.replace(/_total$/, "") : family.name;
  const { help, type } = family;
  return {
    name,
    help,
    type,
    aggregator: "sum",
    async get() {
      return { name, help, type, aggregator: "sum", values: family.collect(source) };
    },
    reset() {},
  };
}

function register(registry: MetricsRegistry, source: Source): void {
  const openMetrics = isOpenMetrics(registry);
  for (const family of FAMILIES) {
    try {
      registry.registerMetric(promMetric(family, source, openMetrics) as never);
    } catch (error) {
      throw new BunwireError("INVALID_OPTION", `observe(): ${family.name} is already in this registry (one bunwire server per registry, or leave out metrics.registry)`, { cause: error });
    }
  }
}

/** The scrape endpoint of one engine. */
export class Exposition {
  readonly #text: MetricsRegistry;
  readonly #open: MetricsRegistry | undefined;

  constructor(source: Source, options: MetricsOptions) {
    if (options.registry !== undefined) {
      register(options.registry, source);
      this.#text = options.registry;
      return;
    }
    const prom = loadPromClient();
    this.#text = new prom.Registry();
    this.#open = new prom.Registry(prom.Registry.OPENMETRICS_CONTENT_TYPE);
    for (const registry of [this.#text, this.#open]) {
      register(registry, source);
      if (options.defaultMetrics === true) prom.collectDefaultMetrics({ register: registry });
    }
  }

  async respond(req: Request): Promise<Response> {
    const wantsOpenMetrics = this.#open !== undefined && (req.headers.get("accept") ?? "").includes(OPENMETRICS);
    const registry = wantsOpenMetrics ? this.#open! : this.#text;
    const body = await registry.metrics();
    return new Response(body, { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  }
}
