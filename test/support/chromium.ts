// Debian's Chromium driven by playwright-core for the browser tests. `.ci/run` installs it; on a machine
// without it the tests skip and say so once.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

export type BrowserContext = import("playwright-core").BrowserContext;

/** Warns that `what` is skipped when Chromium is missing; returns whether it can run. */
export function chromiumOrSkip(what: string): boolean {
  if (!hasChromium) console.warn(`[bunwire] SKIPPED ${what}: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return hasChromium;
}

/** A headless Chromium with a throwaway profile; `close()` removes the profile too. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profileDir = mkdtempSync(join(tmpdir(), "bunwire-chromium-"));
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
