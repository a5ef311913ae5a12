// bench/findings.md, the hand-written analysis of missed targets, joins the generated RESULTS.md when present.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function readFindings(): string | undefined {
  const file = join(import.meta.dir, "..", "findings.md");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}
