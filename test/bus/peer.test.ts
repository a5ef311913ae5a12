// Optional peers (ioredis, nats) are loaded at run time: a missing one is a MISSING_PEER error that says what to
// install, raised by the driver's own import, while a peer that is installed but broken keeps its own error.
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPeer } from "../../src/bus/peer.ts";
import { BunwireError } from "../../src/engine/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "bunwire-peer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a package that is not installed: MISSING_PEER naming the entry point and the npm install command", async () => {
  const error = await loadPeer("bunwire-test-peer-not-installed", "bunwire/example").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BunwireError);
  expect((error as BunwireError).code).toBe("MISSING_PEER");
  expect((error as BunwireError).message).toContain("bunwire/example");
  expect((error as BunwireError).message).toContain("npm install bunwire-test-peer-not-installed");
});

test("an installed peer is returned as its module", async () => {
  const ioredis = await loadPeer<typeof import("ioredis")>("ioredis", "bunwire/redis");
  expect(typeof ioredis.Redis).toBe("function");
});

test("a peer that is installed but fails to load keeps its own error (it is not reported as missing)", async () => {
  const broken = join(dir, "broken.ts");
  writeFileSync(broken, 'throw new Error("broken at load");\n');
  await expect(loadPeer(broken, "bunwire/example")).rejects.toThrow("broken at load");
  // The peer's OWN dependency is missing: that is not "the peer is missing".
  const inner = join(dir, "inner.ts");
  writeFileSync(inner, 'import "bunwire-test-inner-dependency-missing";\n');
  const error = await loadPeer(inner, "bunwire/example").catch((e: unknown) => e);
  expect(error).not.toBeInstanceOf(BunwireError);
  expect(String((error as Error).message)).toContain("bunwire-test-inner-dependency-missing");
});

/** Imports `entry` from a copy of src/ that has no node_modules anywhere above it, as a user without the peer would. */
async function importWithoutPeers(entry: string): Promise<{ code?: string; message?: string; ok?: boolean }> {
  const copy = join(dir, `project-${crypto.randomUUID()}`);
  cpSync(new URL("../../src", import.meta.url).pathname, join(copy, "src"), { recursive: true });
  const script = join(copy, "try.ts");
  writeFileSync(
    script,
    `try { await import(${JSON.stringify(join(copy, entry))}); console.log(JSON.stringify({ ok: true })); }
     catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }\n`,
  );
  // --no-install: outside any node_modules Bun would otherwise fetch a missing package from the registry itself.
  const proc = Bun.spawn([process.execPath, "--no-install", script], { cwd: copy, stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { code?: string; message?: string; ok?: boolean };
}

test.each([
  ["src/redis/index.ts", "ioredis"],
  ["src/nats/index.ts", "nats"],
])("importing %s without %s fails with MISSING_PEER and says npm install", async (entry, peer) => {
  const result = await importWithoutPeers(entry);
  expect(result.code).toBe("MISSING_PEER");
  expect(result.message).toContain(`npm install ${peer}`);
}, 20_000);

test("the bus core itself needs no peer", async () => {
  expect(await importWithoutPeers("src/bus/index.ts")).toEqual({ ok: true });
}, 20_000);
