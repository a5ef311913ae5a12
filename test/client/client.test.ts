// bunwire/client against real servers: typed requests, reconnect across a server restart on the same port,
// the offline queue, do-not-retry close codes, the connect timeout, the heartbeat, MessagePack. Rooms and recovery: rooms.test.ts.

import { afterEach, describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { ClientError, connect, RequestError, type Client } from "../../src/client/index.ts";
import { msgpack } from "bunwire/client/msgpack";
import { until } from "../support/socket.ts";
import { deadPort, notes, NotesServer, stateReached } from "./fixture.ts";

const fast = { reconnect: { initialDelay: 10, maxDelay: 50 }, heartbeat: false } as const;
const clients: Client<typeof notes>[] = [];
const servers: NotesServer[] = [];

function client(url: string, options: Parameters<typeof connect>[1] = fast): Client<typeof notes> {
  const c = connect<typeof notes>(url, options);
  clients.push(c);
  return c;
}

function server(options?: ConstructorParameters<typeof NotesServer>[0]): NotesServer {
  const s = new NotesServer(options).start();
  servers.push(s);
  return s;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe("requests", () => {
  test("request resolves with the ack; a validation failure rejects with code and issues", async () => {
    const s = server();
    const c = client(s.url);
    expect(c.state).toBe("connecting");
    await c.whenOpen();
    expect(await c.request("add", { a: 1, b: 2 })).toBe(3);
    const failure = await c.request("add", { a: "x" as never, b: 2 }).catch((error) => error);
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure.code).toBe("VALIDATION_FAILED");
    expect(failure.issues[0].path).toEqual(["a"]);
  });

  test("a request without an ack in time rejects with TIMEOUT", async () => {
    const c = client(server().url);
    const failure = await c.request("slow", { ms: 300 }, { timeout: 20 }).catch((error) => error);
    expect(failure).toBeInstanceOf(ClientError);
    expect(failure.code).toBe("TIMEOUT");
  });

  test("MessagePack is negotiated and round-trips", async () => {
    const s = server();
    const c = client(s.url, { ...fast, codec: msgpack });
    await c.whenOpen();
    expect(c.subprotocol).toBe("bunwire.v1.msgpack");
    expect(await c.request("add", { a: 40, b: 2 })).toBe(42);
    expect(s.binaryFrames).toBe(1);
    expect(((await c.request("add", { a: "x" as never, b: 2 }).catch((e) => e)) as RequestError).code).toBe("VALIDATION_FAILED");
  });
});

describe("reconnect and the offline queue", () => {
  test("reconnects after the server restarts on the same port; emits made meanwhile arrive once, in order", async () => {
    const s = server();
    const c = client(s.url);
    await c.whenOpen();
    c.emit("note", { n: 0 });
    expect(await c.request("received", {})).toEqual([0]);
    await s.stop();
    await stateReached(c, "reconnecting");
    for (let n = 1; n <= 5; n++) c.emit("note", { n });
    const ack = c.request("add", { a: 2, b: 3 }); // queued too, answered after the reconnect
    s.received = [];
    s.start();
    await stateReached(c, "open");
    expect(await ack).toBe(5);
    expect(await c.request("received", {})).toEqual([1, 2, 3, 4, 5]);
  });

  test("the queue is bounded: drop-oldest reports drops, reject throws QUEUE_FULL", async () => {
    const url = `ws://127.0.0.1:${await deadPort()}/`;
    const dropped: unknown[] = [];
    const a = client(url, { ...fast, maxQueue: 2, onDrop: (_event, data) => dropped.push(data) });
    a.emit("note", { n: 1 });
    a.emit("note", { n: 2 });
    a.emit("note", { n: 3 });
    expect(dropped).toEqual([{ n: 1 }]);
    const b = client(url, { ...fast, maxQueue: 1, overflow: "reject" });
    b.emit("note", { n: 1 });
    expect(() => b.emit("note", { n: 2 })).toThrow(/queue is full/);
    expect(((await b.request("add", { a: 1, b: 1 }).catch((e) => e)) as ClientError).code).toBe("QUEUE_FULL");
  });

  test("close code 1008 stops the client for good; 1011 is retried", async () => {
    const policy = server({ open: (ws) => ws.close(1008, "go away") });
    const c = client(policy.url);
    await stateReached(c, "closed");
    expect(c.lastClose).toEqual({ code: 1008, reason: "go away" });
    expect(policy.opens).toBe(1);
    expect(() => c.emit("note", { n: 1 })).toThrow(ClientError);

    let first = true;
    const flaky = server({ open: (ws) => void (first && ((first = false), ws.close(1011, "oops"))) });
    const d = client(flaky.url);
    await stateReached(d, "reconnecting");
    await stateReached(d, "open");
    expect(flaky.opens).toBe(2);
  });

  test("the heartbeat detects a connection that stopped answering and reconnects", async () => {
    let opens = 0;
    const silent = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, s) => (s.upgrade(req) ? undefined : new Response("no")),
      websocket: { open: () => void opens++, message() {} }, // never answers $ping: a half-open peer
    });
    try {
      const c = client(`ws://127.0.0.1:${silent.port}/`, { reconnect: { initialDelay: 10 }, heartbeat: { interval: 30, timeout: 60 } });
      await stateReached(c, "open");
      await stateReached(c, "reconnecting");
      expect(c.lastClose).toEqual({ code: 4000, reason: "heartbeat timeout" });
      await stateReached(c, "open");
      expect(opens).toBe(2);
    } finally {
      await silent.stop(true);
    }
  });

  test("a handshake that gets no answer is abandoned after connectTimeout and retried; the client opens once a server answers", async () => {
    const s = server();
    // In front of the server, the way a load balancer is: until `answering`, it accepts TCP and never answers the
    // upgrade (a hung proxy, a server that stopped serving); then it passes each new connection through.
    let answering = false;
    const accepted: number[] = [];
    const front = Bun.listen<{ upstream?: Promise<Socket> }>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(socket) {
          accepted.push(Date.now());
          if (!answering) return;
          socket.data = {
            upstream: Bun.connect({
              hostname: "127.0.0.1",
              port: s.port,
              socket: { data: (_up, chunk) => void socket.write(chunk), close: () => void socket.end() },
            }),
          };
        },
        data: (socket, chunk) => void socket.data?.upstream?.then((up) => up.write(chunk)),
        close: (socket) => void socket.data?.upstream?.then((up) => up.end()),
      },
    });
    try {
      const states: string[] = [];
      const c = client(`ws://127.0.0.1:${front.port}/`, { ...fast, connectTimeout: 100 });
      c.onState((state) => states.push(state));
      await stateReached(c, "reconnecting");
      expect(c.lastClose).toEqual({ code: 1006, reason: "connect timeout" });
      await until(() => accepted.length >= 2, 2000, "a second attempt");
      expect(accepted[1]! - accepted[0]!).toBeGreaterThanOrEqual(90); // abandoned at connectTimeout, not at once
      expect(c.state).not.toBe("open");
      answering = true;
      await stateReached(c, "open");
      expect(await c.request("add", { a: 1, b: 2 })).toBe(3);
      expect(states.at(-1)).toBe("open");
    } finally {
      front.stop(true);
    }
  });

  test("connectTimeout must be a number > 0", () => {
    expect(() => connect("ws://127.0.0.1:1/", { connectTimeout: 0 })).toThrow(/connectTimeout/);
  });
});
