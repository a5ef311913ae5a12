// Your own prom-client registry: bunwire's metrics join it and it is served as it is (your metrics beside them);
// without one, bunwire's registries can carry prom-client's process metrics too.

import { expect, test } from "bun:test";
import { Counter, Registry } from "prom-client";
import { bunwire, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import { useApps } from "../support/apps.ts";
import { parseExposition, value } from "./support.ts";

const { start } = useApps();

function serve(app: App): string {
  app.ws("/echo", { message: (ws, message) => void ws.send(message) });
  return start(app).http;
}

test("metrics: { registry }: bunwire's families join your registry and your own metrics are served beside them", async () => {
  const registry = new Registry();
  const orders = new Counter({ name: "shop_orders_total", help: "Orders taken.", registers: [registry] });
  orders.inc(3);
  const base = serve(bunwire({ development: false }).use(observe({ metrics: { registry } })));
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get("content-type")).toBe(registry.contentType);
  const samples = parseExposition(await response.text());
  expect(value(samples, "shop_orders_total")).toBe(3);
  expect(value(samples, "bunwire_connections", { route: "/echo" })).toBe(0);
  expect(samples.has('bunwire_connections{route="/echo"}')).toBe(true);
  // A second server in the same registry would clash: said at start-up.
  expect(() => bunwire().use(observe({ metrics: { registry } }))).toThrow(/bunwire_connections is already in this registry/);
});

test("defaultMetrics: prom-client's process metrics in bunwire's own registries; OpenMetrics when asked for", async () => {
  const base = serve(bunwire({ development: false }).use(observe({ metrics: { defaultMetrics: true, path: "/internal/metrics" } })));
  const text = await (await fetch(`${base}/internal/metrics`)).text();
  expect(text).toContain("process_cpu_seconds_total");
  const open = await fetch(`${base}/internal/metrics`, { headers: { accept: "application/openmetrics-text; version=1.0.0" } });
  expect(open.headers.get("content-type")).toStartWith("application/openmetrics-text");
  const body = await open.text();
  expect(body).toContain("# TYPE bunwire_connections_opened counter");
  expect(body.trimEnd()).toEndWith("# EOF");
});
