// The coarse clock behind the message rate limit: close to Date.now(), stopping its tick when nobody reads it,
// and never holding a process open.

import { expect, setDefaultTimeout, test } from "bun:test";
import { coarseNow, ticking } from "../../src/engine/coarse-clock.ts";

// The last test starts a Bun child process: on a cold checkout (nothing transpiled yet) under parallel load that
// alone can take seconds.
setDefaultTimeout(20_000);

test("coarseNow follows Date.now() to within a few milliseconds and moves forward", async () => {
  const first = coarseNow();
  expect(Math.abs(first - Date.now())).toBeLessThan(20);
  await Bun.sleep(30);
  const later = coarseNow();
  expect(later - first).toBeGreaterThanOrEqual(25);
  expect(Math.abs(later - Date.now())).toBeLessThan(20);
});

test("the tick runs while the clock is read and stops once it is not", async () => {
  coarseNow();
  expect(ticking()).toBe(true);
  await Bun.sleep(50);
  expect(ticking()).toBe(false);
  coarseNow();
  expect(ticking()).toBe(true);
});

test("a process that read the clock still exits on its own", async () => {
  const script = `import { coarseNow } from ${JSON.stringify(`${import.meta.dir}/../../src/engine/coarse-clock.ts`)}; coarseNow(); console.log("read");`;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const exited = await Promise.race([child.exited, Bun.sleep(10_000).then(() => "still running")]);
  if (exited === "still running") child.kill();
  expect(exited).toBe(0);
  expect(await new Response(child.stdout).text()).toBe("read\n");
});
