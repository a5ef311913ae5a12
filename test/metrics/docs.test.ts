// The README's list of metrics is the code's: every family, with its type, labels and what it counts, exactly as
// `bun scripts/metrics-table.ts` prints it; counters, and only counters, end in `_total`.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { FAMILIES } from "../../src/metrics/families.ts";
import { metricsTable } from "../../scripts/metrics-table.ts";

const root = new URL("../../", import.meta.url).pathname;

test("README's metrics table is what scripts/metrics-table.ts prints from src/metrics/families.ts", () => {
  const readme = readFileSync(`${root}README.md`, "utf8");
  expect(readme).toContain(metricsTable());
  expect(FAMILIES.length).toBeGreaterThan(30);
  expect(new Set(FAMILIES.map((f) => f.name)).size).toBe(FAMILIES.length);
  for (const family of FAMILIES) expect(family.type === "counter").toBe(family.name.endsWith("_total"));
});

test("the README shows the inspector's screenshot, which exists", () => {
  expect(readFileSync(`${root}README.md`, "utf8")).toContain("](docs/inspector.png)");
  expect(readFileSync(`${root}docs/inspector.png`).subarray(1, 4).toString()).toBe("PNG");
});
