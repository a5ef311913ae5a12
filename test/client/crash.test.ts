// The client when the instance under it dies (kill -9 of a separate process), for the "instance crash" column of
// docs/GUARANTEES.md: emits queued while it is away reach the next instance once each, in order; a server request in
// flight dies with its instance, and the client's late reply is not carried to the next connection.

import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { ClientError, connect, type Client } from "../../src/client/index.ts";
import { SwitchProxy } from "../protocol/switch-proxy.ts";
import { deadPort, notes, NotesServer, stateReached } from "./fixture.ts";

// Each test starts Bun child processes: on a cold checkout (nothing transpiled yet) under parallel load one start
// alone can take seconds.
setDefaultTimeout(20_000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function spawnNotes(): Promise<{ port: number; kill(): Promise<void> }> {
  const proc = Bun.spawn([process.execPath, "test/client/notes-process.ts"], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const kill = async () => {
    proc.kill("SIGKILL");
    await proc.exited;
  };
  cleanups.push(kill);
  const reader = proc.stdout.getReader();
  let text = "";
  while (!/PORT (\d+)/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the notes process exited before listening: ${text}`);
    text += new TextDecoder().decode(chunk.value);
  }
  return { port: Number(/PORT (\d+)/.exec(text)![1]), kill };
}

function setUp(port: number): { proxy: SwitchProxy; client: Client<typeof notes>; b: NotesServer } {
  const b = new NotesServer().start();
  const proxy = SwitchProxy.start(port);
  const client = connect<typeof notes>(proxy.url(), { heartbeat: false, reconnect: { initialDelay: 10, maxDelay: 40 } });
  cleanups.push(() => b.stop(), () => proxy.stop(), () => client.close());
  return { proxy, client, b };
}

test("offline queue: emits made while the instance is dead reach the next instance once each, in order", async () => {
  const a = await spawnNotes();
  const { proxy, client, b } = setUp(a.port);
  await client.whenOpen();
  proxy.target = await deadPort();
  await a.kill();
  await stateReached(client, "reconnecting");
  for (let n = 1; n <= 5; n++) client.emit("note", { n });
  proxy.target = b.port;
  expect(await client.request("received", {})).toEqual([1, 2, 3, 4, 5]);
});

test("server request: the instance dies while the client answers; the request is gone, the late reply goes nowhere", async () => {
  const a = await spawnNotes();
  const { proxy, client, b } = setUp(a.port);
  await client.whenOpen();
  let answer: (text: string) => void = () => {};
  let asked: () => void = () => {};
  const askedOnce = new Promise<void>((resolve) => (asked = resolve));
  client.onRequest("ask", () => {
    asked();
    return new Promise<string>((resolve) => (answer = resolve));
  });
  const quiz = client.request("quiz", { q: "still there?" }).catch((error: unknown) => error);
  await askedOnce;
  proxy.target = b.port;
  await a.kill();
  expect(await quiz).toBeInstanceOf(ClientError);
  expect(((await quiz) as ClientError).code).toBe("DISCONNECTED");
  await client.whenOpen();
  answer("yes"); // the handler finishes on the new connection's watch
  await Bun.sleep(0); // its reply, were it sent, would now be on the wire ahead of the next request
  expect(await client.request("received", {})).toEqual([]);
  expect(b.events).toEqual(["received"]); // no $reply reached the new instance
});
