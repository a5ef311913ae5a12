// The Router example of README.md ("Router ... and file routes"), run as written (only its import points at src/):
// its GET /me upgrades a handshake with Authorization, refuses one without (401) and answers a plain GET with 400
// instead of pretending to have upgraded it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { blocksOf } from "../readme-blocks.ts";
import { connected, rawHandshake, spawnBun, type Child } from "./support.ts";

const ROOT = resolve(import.meta.dir, "../..");
let child: Child;
let port: number;

beforeAll(async () => {
  const block = blocksOf(ROOT, "README.md").find((b) => b.section.startsWith("Router (") && b.code.includes('router.get("/me"'));
  if (block === undefined) throw new Error('README.md: no Router block with router.get("/me")');
  const file = join(mkdtempSync(join(tmpdir(), "bunwire-readme-router-")), "server.ts");
  writeFileSync(file, block.code.replace('"bunwire/router"', JSON.stringify(join(ROOT, "src/router/index.ts"))));
  child = spawnBun([file], { PORT: "0" });
  const line = await Promise.race([
    child.waitFor(/listening on /),
    child.exited.then((code) => {
      throw new Error(`the README Router example exited with ${code}:\n${child.lines.join("\n")}`);
    }),
  ]);
  port = Number(/:(\d+)\/?$/.exec(line)?.[1]);
});

afterAll(() => child?.kill());

test("GET /me: a handshake with Authorization upgrades into the websocket handlers; without it, 401", async () => {
  const ada = await connected(`ws://127.0.0.1:${port}/me`, { headers: { authorization: "Bearer x" } });
  ada.send("hi");
  expect(await ada.next()).toBe("ada: hi");
  ada.close();
  expect((await rawHandshake(port, "/me")).status).toBe(401);
});

test("a plain GET /me with Authorization is 400, not a 200 claiming an upgrade", async () => {
  const res = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: "Bearer x" } });
  expect(res.status).toBe(400);
  expect(await res.text()).toBe("WebSocket only");
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
});
