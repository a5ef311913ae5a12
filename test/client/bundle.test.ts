// The browser bundle of bunwire/client carries no server code and no msgpackr unless asked for.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildClient } from "../../scripts/build-client.ts";

const dir = mkdtempSync(join(tmpdir(), "bunwire-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the client bundle is small and free of server code", async () => {
  const { path, bytes } = await buildClient(join(dir, "client.js"));
  const text = await Bun.file(path).text();
  // About 21 KB: 19 995 bytes before the connect timeout, the per-object key session and the delivery of held events
  // after a failed recovery (about 800 more), then the drop of events the history could not record that are older
  // than the client's position (about 350 more); a budget, so growth is a decision.
  expect(bytes).toBeLessThan(21_500);
  // Strings that only exist in the server half (dispatch, replies, rooms) and in msgpackr.
  for (const serverOnly of ["binary frames are not accepted", "does not let clients join", "ack is not serialisable", "Unexpected end of MessagePack data"]) {
    expect(text).not.toContain(serverOnly);
  }
  expect(text).toContain("heartbeat timeout");
  const { connect, defineProtocol } = await import(path);
  expect(typeof connect).toBe("function");
  expect(typeof defineProtocol).toBe("function");
});
