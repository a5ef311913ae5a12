// What a client's room events may make the server keep: topic names are bounded (256 characters), and a `$join`
// of a topic nobody wrote stores nothing in the history, so junk joins cannot push a real room's history out.
import { afterEach, expect, test } from "bun:test";
import type { Server } from "bun";
import { MemoryHistory } from "../../src/protocol/index.ts";
import { chat, Probe, serveChat, urlOf, type ChatData } from "./fixture.ts";

let server: Server<ChatData> | undefined;
const probes: Probe[] = [];

async function probeOf(s: Server<ChatData>): Promise<Probe> {
  const probe = new Probe(urlOf(s));
  probes.push(probe);
  await probe.opened;
  return probe;
}

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.ws.close();
  await server?.stop(true);
  server = undefined;
});

test("a room topic over 256 characters is refused with INVALID_ENVELOPE, on $join and $leave", async () => {
  server = serveChat({ rooms: true });
  const ws = await probeOf(server);
  const long = "x".repeat(257);
  expect((await ws.ask({ event: "$join", data: { topic: long }, id: 1 })).error.code).toBe("INVALID_ENVELOPE");
  expect((await ws.ask({ event: "$leave", data: { topic: long }, id: 2 })).error.code).toBe("INVALID_ENVELOPE");
  expect((await ws.ask({ event: "$join", data: { topic: "y".repeat(256) }, id: 3 })).ack.recovered).toBe(true);
});

test("joins and leaves of topics nobody wrote keep nothing, and cannot evict a real room's history", async () => {
  const history = new MemoryHistory({ maxTopics: 5 });
  server = serveChat({ rooms: true, history });
  const [alice, mallory] = [await probeOf(server), await probeOf(server)];
  const joined = (await alice.ask({ event: "$join", data: { topic: "real" }, id: 1 })).ack;
  expect(history.size).toBe(0); // a read creates nothing
  await chat.publish(server, "real", "said", { from: "bob", text: "kept" });
  expect((await alice.next()).seq).toBe(joined.seq + 1); // the first event follows the position the join gave
  for (let i = 0; i < 50; i++) {
    await mallory.ask({ event: "$join", data: { topic: `junk${i}` }, id: 2 * i + 1 });
    await mallory.ask({ event: "$leave", data: { topic: `junk${i}` }, id: 2 * i + 2 });
  }
  expect(history.size).toBe(1);
  expect((await alice.ask({ event: "$join", data: { topic: "real", offset: joined.offset, seq: joined.seq }, id: 2 })).data.text).toBe("kept");
  expect((await alice.next()).ack).toMatchObject({ recovered: true, missed: 1 });
});
