// Prints the README's table of metrics from src/metrics/families.ts (test/metrics/docs.test.ts checks they agree):
// bun scripts/metrics-table.ts
import { FAMILIES } from "../src/metrics/families.ts";

export function metricsTable(): string {
  const rows = FAMILIES.map((f) => `| \`${f.name}\` | ${f.type} | ${f.labels.map((l) => `\`${l}\``).join(", ") || "none"} | ${f.help.replaceAll("|", "\\|")} |`);
  return ["| metric | type | labels | what it counts |", "|---|---|---|---|", ...rows].join("\n");
}

if (import.meta.main) console.log(metricsTable());
