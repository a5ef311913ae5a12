// Connection caps: slots are taken before admission and given back on close or refusal, so the counts return
// to zero and per-IP entries disappear with their last socket; `trustProxy` decides whose address is counted.

import { expect, test } from "bun:test";
import { connect } from "node:net";
import { bunwire } from "bunwire";
import { Router } from "bunwire/router";
import { clientIp } from "../../src/engine/client-ip.ts";
import { useApps } from "../support/apps.ts";
import { TestSocket, until, upgradeAttempt } from "../support/socket.ts";

const { start } = useApps();

function serve(options: Parameters<typeof bunwire>[0], admit: () => unknown = () => true) {
  const app = bunwire({ development: false, ...options });
  app.ws("/live", { upgrade: () => admit() as never, open: (ws) => void ws.send("in") });
  return { app, url: `${start(app).ws}/live`, caps: app.engine.policy.caps! };
}

test("after 200 connect/disconnect cycles from 20 addresses, the count is zero and no per-IP entry is left", async () => {
  const { url, caps } = serve({ maxConnections: 1000, maxConnectionsPerIp: 5, trustProxy: true });
  for (let round = 0; round < 10; round++) {
    const sockets = await Promise.all(Array.from({ length: 20 }, (_, i) => TestSocket.open(url, { headers: { "X-Forwarded-For": `198.51.100.${i}` } })));
    expect(caps.count).toBe(20);
    expect(caps.ips).toBe(20);
    await Promise.all(sockets.map((s) => s.close()));
  }
  await until(() => caps.count === 0 && caps.ips === 0, 2000, "caps back to zero");
});

test("refused and failed upgrades give their slot back", async () => {
  let decision: unknown = false;
  const { url, caps } = serve({ maxConnections: 1, maxConnectionsPerIp: 1 }, () => decision);
  for (let i = 0; i < 5; i++) expect((await upgradeAttempt(url)).status).toBe(403);
  decision = true;
  // An invalid handshake (no Sec-WebSocket-Key) fails in Bun after admission: its slot comes back too.
  const invalid = await fetch(url.replace("ws", "http"), { headers: { Connection: "Upgrade", Upgrade: "websocket" } });
  expect(invalid.status).toBe(400);
  expect(caps.count).toBe(0);
  expect(caps.ips).toBe(0);
  const socket = await TestSocket.open(url);
  expect(await socket.next()).toBe("in");
  expect(caps.count).toBe(1);
  await socket.close();
});

test("a socket whose handler never settles still gives its slot back when it closes", async () => {
  const app = bunwire({ development: false, maxConnections: 1, shutdownTimeout: 50 });
  app.ws("/stuck", { message: () => new Promise(() => {}) });
  const socket = await TestSocket.open(`${start(app).ws}/stuck`);
  socket.send("hang");
  socket.send("queued");
  await socket.close();
  await until(() => app.engine.policy.caps!.count === 0, 2000, "slot released");
});

test("clientIp: the socket's peer by default, the leftmost X-Forwarded-For with true, the Nth from the right with N hops", () => {
  const req = new Request("http://x/", { headers: { "X-Forwarded-For": "203.0.113.9, 10.0.0.2, 10.0.0.1" } });
  const server = { requestIP: () => ({ address: "127.0.0.1" }) } as never;
  expect(clientIp(req, server, false)).toBe("127.0.0.1");
  expect(clientIp(req, server, true)).toBe("203.0.113.9");
  expect(clientIp(req, server, 1)).toBe("10.0.0.1");
  expect(clientIp(req, server, 2)).toBe("10.0.0.2");
  expect(clientIp(new Request("http://x/"), server, true)).toBe("127.0.0.1");
});

/** A handshake from `localAddress` (any 127.x address reaches a server on 127.0.0.1), held open when upgraded. */
function openFrom(url: string, localAddress: string): Promise<{ status: number; close(): Promise<void> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress });
    let head = "";
    socket.on("connect", () => {
      socket.write(`GET /live HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    });
    socket.on("data", (chunk) => {
      if (head.includes("\r\n\r\n")) return;
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const closed = new Promise<void>((done) => socket.once("close", () => done()));
      resolve({ status: Number(head.split(" ")[1]), close: () => (socket.destroy(), closed) });
    });
    socket.on("error", reject);
  });
}

test("without trustProxy the per-IP cap counts addresses only once the server holds as many slots as the cap, and refuses exactly", async () => {
  const { url, caps } = serve({ maxConnectionsPerIp: 2 });
  const a1 = await openFrom(url, "127.0.0.2");
  const a2 = await openFrom(url, "127.0.0.2");
  expect([a1.status, a2.status]).toEqual([101, 101]);
  expect(caps.ips).toBe(0); // fewer slots than the cap: no address can be at it, none was looked up
  const b1 = await openFrom(url, "127.0.0.3");
  expect(b1.status).toBe(101);
  expect(caps.ips).toBe(2); // counted from the open sockets' addresses
  const a3 = await openFrom(url, "127.0.0.2");
  expect(a3.status).toBe(429);
  await a1.close();
  await until(() => caps.count === 2, 2000, "a1's slot back");
  const a4 = await openFrom(url, "127.0.0.2"); // a1 gave its slot back under its own address
  expect(a4.status).toBe(101);
  const a5 = await openFrom(url, "127.0.0.2");
  expect(a5.status).toBe(429);
  for (const socket of [a2, b1, a4, a3, a5]) await socket.close();
  await until(() => caps.count === 0 && caps.ips === 0, 2000, "caps back to zero");
});

for (const kind of ["sync", "async"] as const) {
  test(`without trustProxy, concurrent handshakes from one address past the cap: exactly the extra ones get 429 (${kind} admission)`, async () => {
    const admit = kind === "sync" ? () => true : () => Bun.sleep(30).then(() => true);
    const { url, caps } = serve({ maxConnectionsPerIp: 3 }, admit);
    const other = await openFrom(url, "127.0.0.5");
    const attempts = await Promise.all(Array.from({ length: 5 }, () => openFrom(url, "127.0.0.4")));
    expect(attempts.map((a) => a.status).sort()).toEqual([101, 101, 101, 429, 429]);
    const another = await openFrom(url, "127.0.0.5"); // another address is not held back
    expect(another.status).toBe(101);
    for (const socket of [other, another, ...attempts]) await socket.close();
    await until(() => caps.count === 0 && caps.ips === 0, 2000, "caps back to zero");
  });
}

test("a mounted Router behind a trusted proxy shares the App's lazy per-IP count: counted by forwarded address once at the cap", async () => {
  const app = bunwire({ development: false, maxConnectionsPerIp: 2 });
  const router = new Router({ trustProxy: true });
  router.websocket({ open: (ws) => void ws.send("in") });
  app.use("/r", router);
  const url = `${start(app).ws}/r/live`;
  const caps = app.engine.policy.caps!;
  const from = (address: string) => ({ "X-Forwarded-For": address });
  const first = await TestSocket.open(url, { headers: from("203.0.113.1") });
  expect(caps.ips).toBe(0); // below the cap nothing is counted per address, forwarded or not
  const second = await TestSocket.open(url, { headers: from("203.0.113.1") });
  expect((await upgradeAttempt(url, from("203.0.113.1"))).status).toBe(429);
  const other = await TestSocket.open(url, { headers: from("198.51.100.9") });
  expect(await other.next()).toBe("in");
  for (const socket of [first, second, other]) await socket.close();
  await until(() => caps.count === 0 && caps.ips === 0, 2000, "caps back to zero");
});
