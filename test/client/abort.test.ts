// An AbortSignal on `request()` (issue 14, item 9): an aborted request rejects with ABORTED, leaves the offline
// queue if it is still there (it is then never sent), and a late ack is ignored; a signal aborted before the call
// sends nothing.

import { afterEach, expect, test } from "bun:test";
import { ClientError, connect, type Client } from "../../src/client/index.ts";
import { notes, NotesServer, stateReached } from "./fixture.ts";

const clients: Client<typeof notes>[] = [];
const servers: NotesServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

function setUp(): { server: NotesServer; client: Client<typeof notes> } {
  const server = new NotesServer().start();
  servers.push(server);
  const client = connect<typeof notes>(server.url, { reconnect: { initialDelay: 10, maxDelay: 20 }, heartbeat: false });
  clients.push(client);
  return { server, client };
}

test("aborting a sent request rejects it with ABORTED (the signal's reason as cause); its late ack is ignored", async () => {
  const { client } = setUp();
  await client.whenOpen();
  const controller = new AbortController();
  const slow = client.request("slow", { ms: 50 }, { signal: controller.signal }).catch((error: unknown) => error);
  controller.abort(new Error("user left the page"));
  const error = (await slow) as ClientError;
  expect(error).toBeInstanceOf(ClientError);
  expect(error.code).toBe("ABORTED");
  expect((error.cause as Error).message).toBe("user left the page");
  // The slow handler still acks later: nothing breaks, and the next request gets its own ack.
  expect(await client.request("slow", { ms: 60 })).toBe("done");
});

test("aborting a queued request removes it from the queue: it is never sent", async () => {
  const { server, client } = setUp();
  await client.whenOpen();
  await server.stop();
  await stateReached(client, "reconnecting");
  const controller = new AbortController();
  const queued = client.request("add", { a: 1, b: 1 }, { signal: controller.signal }).catch((error: ClientError) => error.code);
  const kept = client.request("add", { a: 2, b: 2 });
  controller.abort();
  expect(await queued).toBe("ABORTED");
  server.start();
  expect(await kept).toBe(4);
  expect(server.events.filter((event) => event === "add")).toEqual(["add"]);
});

test("a signal aborted before the call: rejected at once, nothing sent", async () => {
  const { server, client } = setUp();
  await client.whenOpen();
  const failure = await client.request("add", { a: 1, b: 2 }, { signal: AbortSignal.abort() }).catch((error: ClientError) => error.code);
  expect(failure).toBe("ABORTED");
  expect(await client.request("received", {})).toEqual([]);
  expect(server.events).toEqual(["received"]);
});
