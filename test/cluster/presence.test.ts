// Presence for clients on one instance, in memory (the contract in test/cluster/presence-contract.ts), and the
// in-memory store's own rules.
import { expect, test } from "bun:test";
import { memoryPresence, type PresenceEvent } from "bunwire";
import { presenceContract } from "./presence-contract.ts";

presenceContract("memoryPresence", () => ({ instances: 1, store: () => memoryPresence() }));

test("memoryPresence counts an id once until its last entry leaves, and checks its input", async () => {
  const presence = memoryPresence();
  const events: PresenceEvent[] = [];
  const stop = presence.subscribe("t", (event) => events.push(event));
  await presence.join("t", "ada", { name: "Ada" });
  await presence.join("t", "ada", { name: "ignored: already present" });
  expect(await presence.list("t")).toEqual([{ id: "ada", meta: { name: "Ada" } }]);
  await presence.leave("t", "ada");
  expect(events.map((e) => e.type)).toEqual(["join"]);
  await presence.leave("t", "ada");
  expect(events).toEqual([
    { type: "join", topic: "t", id: "ada", meta: { name: "Ada" } },
    { type: "leave", topic: "t", id: "ada", meta: { name: "Ada" } },
  ]);
  expect(await presence.list("t")).toEqual([]);
  stop();
  await presence.join("t", "bob");
  expect(events).toHaveLength(2); // stopped
  await expect(presence.join("", "x")).rejects.toThrow(/topic/);
  await expect(presence.join("t", "x".repeat(257))).rejects.toThrow(/id/);
  await expect(presence.join("t", "x", { big: "x".repeat(5000) })).rejects.toThrow(/4096/);
});
