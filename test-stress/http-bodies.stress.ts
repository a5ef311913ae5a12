// Issue 11 item 5 under load: large concurrent POSTs to a path no route matches, and over the limit to a route,
// leave the App's resident memory nearly where it was (the bodies are neither read nor buffered). The server runs
// in a child process so that only its memory is measured. `npm run test:stress`, not `npm test`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { rssBytes } from "../bench/load/proc.ts";

const MB = 1024 * 1024;
let server: ReturnType<typeof Bun.spawn<"ignore", "pipe", "inherit">>;
let base = "";

beforeAll(async () => {
  server = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures", "body-server.ts")], { cwd: join(import.meta.dir, ".."), stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const reader = server.stdout.getReader();
  let text = "";
  while (!/PORT \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`body server exited: ${text}`);
    text += new TextDecoder().decode(value);
  }
  base = `http://127.0.0.1:${/PORT (\d+)/.exec(text)![1]}`;
});
afterAll(() => server.kill());

/** POSTs `size` bytes and returns the status, or "reset" when the server answered and closed mid-upload. */
async function upload(path: string, size: number): Promise<number | "reset"> {
  try {
    const response = await fetch(base + path, { method: "POST", body: new Uint8Array(size).fill(97), headers: { "Content-Type": "text/plain" } });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return "reset";
  }
}

test("four concurrent 32 MB POSTs to no route and four to a 1 MiB route cost the server almost no memory", async () => {
  for (let i = 0; i < 5; i++) expect(await upload("/upload", 1000)).toBe(200);
  Bun.gc(true);
  const before = rssBytes(server.pid);
  for (let round = 0; round < 3; round++) {
    const unrouted = await Promise.all(Array.from({ length: 4 }, () => upload("/nowhere", 32 * MB)));
    const tooLarge = await Promise.all(Array.from({ length: 4 }, () => upload("/upload", 32 * MB)));
    for (const status of unrouted) expect([404, "reset"]).toContain(status);
    for (const status of tooLarge) expect([413, "reset"]).toContain(status);
  }
  const after = rssBytes(server.pid);
  console.log(`server RSS before ${(before / MB).toFixed(1)} MB, after 24 uploads of 32 MB: ${(after / MB).toFixed(1)} MB`);
  // Reading or cloning the bodies (the old behaviour) grew RSS by hundreds of MB; one body is 32 MB.
  expect(after - before).toBeLessThan(32 * MB);
  expect(await upload("/upload", 1000)).toBe(200);
}, 120_000);
