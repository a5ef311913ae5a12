// `bun bench/report/rewrite.ts`: renders bench/RESULTS.md and bench/results.svg again from bench/results.json
// (after editing bench/findings.md or the report code), without measuring anything.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Row } from "../runner/summary.ts";
import { renderMarkdown, type RunInfo } from "./markdown.ts";
import { renderSvg } from "./svg.ts";
import { readFindings } from "./findings.ts";

const dir = join(import.meta.dir, "..");
const { info, rows } = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { info: RunInfo; rows: Row[] };
const revived = rows.map((r) => ({ ...r, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? NaN : v])) }) as Row);
info.findings = readFindings();
await Bun.write(join(dir, "RESULTS.md"), renderMarkdown(revived, info));
await Bun.write(join(dir, "results.svg"), renderSvg(revived, `bunwire vs raw Bun and peers (ratio to raw Bun.serve, Bun ${info.bun})`));
console.log(`rewrote bench/RESULTS.md and bench/results.svg from results.json${existsSync(join(dir, "findings.md")) ? " with bench/findings.md" : ""}`);
