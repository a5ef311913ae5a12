// The React-free core of `useSocket` (bunwire/react) against a real server: calls made before mount are kept
// and sent in order, state changes are reported, and the cleanup closes the connection.

import { afterEach, expect, test } from "bun:test";
import { connect, type ClientState } from "../../src/client/index.ts";
import { SocketBinding } from "../../src/react/index.ts";
import { notes, NotesServer } from "./fixture.ts";
import { until } from "../support/socket.ts";

const servers: NotesServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

test("calls before mount are sent after it; unmount closes the client", async () => {
  const s = new NotesServer().start();
  servers.push(s);
  const binding = new SocketBinding<typeof notes>((url) => connect<typeof notes>(url, { heartbeat: false }));
  const states: ClientState[] = [];
  const before = binding.view("connecting");
  before.emit("note", { n: 1 });
  const sum = before.request("add", { a: 1, b: 2 });
  const received = before.request("received", {});
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const stop = binding.start(s.url, (state) => {
    states.push(state);
    if (state === "open") opened();
  });
  await open;
  expect(await sum).toBe(3);
  expect(await received).toEqual([1]);
  const view = binding.view("open");
  expect(view.client).toBe(binding.client!);
  const client = binding.client!;
  stop();
  expect(client.state).toBe("closed");
  expect(binding.client).toBeUndefined();
  // No state updates after unmount (React would warn about updating an unmounted component).
  expect(states).toEqual(["connecting", "open"]);
});

test("a request handler registered before mount answers the server's requests; its cleanup removes it", async () => {
  const s = new NotesServer().start();
  servers.push(s);
  const binding = new SocketBinding<typeof notes>((url) => connect<typeof notes>(url, { heartbeat: false }));
  const early = binding.view("connecting");
  const off = early.onRequest("ask", ({ q }) => `answer to ${q}`);
  const stop = binding.start(s.url, () => {});
  try {
    expect(await early.request("quiz", { q: "life" })).toBe("answer to life");
    off();
    // The server request failed (the client has no handler now): that error reaches the quiz request.
    expect(await early.request("quiz", { q: "again" }).catch((error: { code: string }) => error.code)).toBe("NO_HANDLER");
  } finally {
    stop();
  }
});

test("a listener and a request handler stand: registered before the client opens, they get what the server sends on open, on the next url's client too", async () => {
  // Each server emits `posted` and asks `ask` the moment a socket opens: nothing the client does first.
  const serverRequests: string[] = [];
  const opening = (n: number) => ({
    open: (ws: Parameters<NonNullable<NonNullable<ConstructorParameters<typeof NotesServer>[0]>["open"]>>[0]) => {
      notes.emit(ws as never, "posted", { n });
      void notes.request(ws as never, "ask", { q: `q${n}` }).then((answer) => void serverRequests.push(answer));
    },
  });
  const a = new NotesServer(opening(1)).start();
  const b = new NotesServer(opening(2)).start();
  servers.push(a, b);
  const binding = new SocketBinding<typeof notes>((url) => connect<typeof notes>(url, { heartbeat: false }));
  const view = binding.view("connecting");
  const posted: number[] = [];
  const offPosted = view.on("posted", ({ n }) => void posted.push(n));
  const offAsk = view.onRequest("ask", ({ q }) => `answer to ${q}`);
  let stop = binding.start(a.url, () => {});
  await until(() => posted.length === 1 && serverRequests.length === 1, 2000, "the open-time event and request on a");
  stop();
  stop = binding.start(b.url, () => {});
  await until(() => posted.length === 2 && serverRequests.length === 2, 2000, "the open-time event and request on b");
  expect(posted).toEqual([1, 2]);
  expect(serverRequests).toEqual(["answer to q1", "answer to q2"]);
  offPosted();
  offAsk();
  stop();
});

test("a room joined through the binding stands: a client closed before the ack (StrictMode's first mount) does not reject the join, the next client joins and answers it", async () => {
  const a = new NotesServer().start();
  const b = new NotesServer().start();
  servers.push(a, b);
  const binding = new SocketBinding<typeof notes>((url) => connect<typeof notes>(url, { heartbeat: false }));
  const view = binding.view("connecting");
  let stop = binding.start(a.url, () => {});
  const joined = view.join("room");
  stop(); // unmounted before the server could ack
  stop = binding.start(b.url, () => {});
  expect(await joined).toMatchObject({ recovered: true, missed: 0 });
  expect(b.events.filter((event) => event === "$join")).toEqual(["$join"]);
  // Joining it again answers too (the server acks a repeated join).
  expect(await view.join("room")).toMatchObject({ recovered: true });
  stop();
});
