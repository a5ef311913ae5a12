// The App's WebSocket routes: ws.data, decoded params, middleware before the upgrade (refusal, throw, fail-closed
// timeout, headers onto the 101), unknown paths, malformed handshakes.
import { expect, test } from "bun:test";
import { bunwire, type App, type BunWebSocket, type WebSocketData } from "bunwire";
import { useApps } from "../support/apps.ts";
import { rawHandshake, upgradeAttempt } from "../support/socket.ts";

const { start: listen, open } = useApps();
const start = (app: App): string => listen(app).ws;

test("ws.data holds routePath, decoded params, the handlers and the request with get()", async () => {
  const app = bunwire();
  const handlers = {
    open(ws: BunWebSocket<WebSocketData<{ room: string }>>) {
      const { routePath, params, req } = ws.data;
      ws.send(JSON.stringify({ routePath, room: params.room, agent: req.get("x-agent"), same: ws.data.handlers === handlers }));
    },
  };
  app.ws("/chat/:room", handlers);
  const base = start(app);
  const client = await open(`${base}/chat/caf%C3%A9`, { "X-Agent": "test-client" });
  expect(await client.json()).toEqual({ routePath: "/chat/:room", room: "café", agent: "test-client", same: true });
});

test("params are typed from the path", async () => {
  const app = bunwire();
  app.ws("/room/:roomId/:userId", {
    open(ws) {
      const roomId: string = ws.data.params.roomId;
      // @ts-expect-error: no such param in the path
      void ws.data.params.nope;
      ws.send(`${roomId}/${ws.data.params.userId}`);
    },
  });
  const client = await open(`${start(app)}/room/r1/u2`);
  expect(await client.next()).toBe("r1/u2");
});

test("a malformed escape in a param gets 400, an unknown WebSocket path 404, a bad handshake 400", async () => {
  const app = bunwire();
  app.ws("/chat/:room", { message() {} });
  const base = start(app);
  expect((await upgradeAttempt(`${base}/chat/%E0%A4%A`)).status).toBe(400);
  expect((await upgradeAttempt(`${base}/nowhere`)).status).toBe(404);
  const noKey = await rawHandshake(`${base}/chat/x`, {}, `GET /chat/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
  expect(noKey.status).toBe(400);
  const fine = await open(`${base}/chat/ok`);
  expect(fine.ws.readyState).toBe(WebSocket.OPEN);
});

test("route middleware runs before the upgrade; an answer refuses it with that response", async () => {
  const app = bunwire();
  let opened = 0;
  app.ws(
    "/protected",
    (req, res, next) => {
      if (req.get("authorization") !== "Bearer good") return res.status(401).json({ error: "Unauthorized" });
      next();
    },
    { open: () => void opened++ },
  );
  const base = start(app);
  const refused = await upgradeAttempt(`${base}/protected`);
  expect([refused.status, await refused.json()]).toEqual([401, { error: "Unauthorized" }]);
  await open(`${base}/protected`, { Authorization: "Bearer good" });
  expect(opened).toBe(1);
});

test("app.use middleware runs for upgrades too, and res.locals joins ws.data", async () => {
  const app = bunwire();
  app.use(async (req, res, next) => {
    await Bun.sleep(2);
    res.locals.user = req.get("x-user") ?? "anonymous";
    next();
  });
  app.ws("/me", { open: (ws: BunWebSocket<WebSocketData<{}, { user: string }>>) => void ws.send(`hello ${ws.data.user}`) });
  const client = await open(`${start(app)}/me`, { "X-User": "ada" });
  expect(await client.next()).toBe("hello ada");
});

test("a throwing or rejecting middleware refuses with 500 and is reported; other connections are unaffected", async () => {
  const app = bunwire();
  const errors: string[] = [];
  app.onError((error) => errors.push((error as Error).message));
  app.ws("/sync", () => {
    throw new Error("sync mw");
  }, { open: (ws) => void ws.send("no") });
  app.ws("/async", async () => {
    throw new Error("async mw");
  }, { open: (ws) => void ws.send("no") });
  app.ws("/fine", { open: (ws) => void ws.send("yes") });
  const base = start(app);
  expect((await upgradeAttempt(`${base}/sync`)).status).toBe(500);
  expect((await upgradeAttempt(`${base}/async`)).status).toBe(500);
  expect(errors).toEqual(["sync mw", "async mw"]);
  expect(await (await open(`${base}/fine`)).next()).toBe("yes");
});

test("middleware that neither answers nor calls next never upgrades: 503 after upgradeTimeout", async () => {
  const app = bunwire({ upgradeTimeout: 100 });
  const errors: unknown[] = [];
  app.onError((error) => errors.push(error));
  let opened = false;
  app.ws("/stuck", () => {}, { open: () => void (opened = true) });
  const refused = await upgradeAttempt(`${start(app)}/stuck`);
  expect(refused.status).toBe(503);
  expect(opened).toBe(false);
  expect((errors[0] as { code: string }).code).toBe("UPGRADE_TIMEOUT");
});

test("headers and cookies set by middleware are carried onto the 101", async () => {
  const app = bunwire();
  app.use((_req, res, next) => {
    res.set("X-Trace", "abc123").cookie("seen", "yes").cookie("theme", "dark");
    next();
  });
  app.ws("/live", { message() {} });
  const head = await rawHandshake(`${start(app)}/live`);
  expect(head.status).toBe(101);
  expect(head.header("x-trace")).toBe("abc123");
  expect(head.headers.filter(([name]) => name === "set-cookie").map(([, value]) => value)).toEqual(["seen=yes; Path=/; SameSite=Lax", "theme=dark; Path=/; SameSite=Lax"]);
});

test("an async open holds the connection's messages until it settles", async () => {
  const app = bunwire();
  app.ws("/slow-open", {
    async open(ws) {
      await Bun.sleep(30);
      ws.send("ready");
    },
    message(ws, message) {
      ws.send(`got ${message}`);
    },
  });
  const client = await open(`${start(app)}/slow-open`);
  client.send("early");
  expect(await client.take(2)).toEqual(["ready", "got early"]);
});

test("a client outrunning its async handler is closed with 1013 past maxQueuedEvents", async () => {
  const app = bunwire({ maxQueuedEvents: 5 });
  app.onError(() => {});
  app.ws("/flood", { message: () => Bun.sleep(200) });
  const client = await open(`${start(app)}/flood`);
  for (let i = 0; i < 20; i++) client.send(`m${i}`);
  expect((await client.closed).code).toBe(1013);
});

test("a catch-all WebSocket route never hides a param route added after it", async () => {
  const app = bunwire();
  app.ws("/*", { open: (ws) => void ws.send("catch-all") });
  app.ws("/chat/:room", { open: (ws) => void ws.send(`room ${ws.data.params.room}`) });
  const base = start(app);
  expect(await (await open(`${base}/chat/1`)).next()).toBe("room 1");
  expect(await (await open(`${base}/elsewhere`)).next()).toBe("catch-all");
});

test("a malformed frame (reserved opcode, unmasked) closes only that connection; the server keeps serving", async () => {
  const app = bunwire();
  app.ws("/echo", { message: (ws, message) => void ws.send(message) });
  const base = start(app);
  const { hostname, port } = new URL(base.replace("ws", "http"));
  const closed = new Promise<string>((resolve) => {
    let head = "";
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open(socket) {
          socket.write(`GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
        },
        data(socket, chunk) {
          head += chunk.toString("latin1");
          // After the 101: an unmasked frame with reserved opcode 0x3, which RFC 6455 forbids from a client.
          if (head.includes("\r\n\r\n") && !head.includes("sent")) {
            head += "sent";
            socket.write(new Uint8Array([0x83, 0x02, 0x68, 0x69]));
          }
        },
        close() {
          resolve(head.slice(0, 12));
        },
      },
    });
  });
  expect(await closed).toBe("HTTP/1.1 101");
  const healthy = await open(`${base}/echo`);
  healthy.send("still serving");
  expect(await healthy.next()).toBe("still serving");
});
