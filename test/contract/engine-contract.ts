// The engine-level contract every front door must keep (crossws runs one suite against each adapter; we run this
// one against each front door): lifecycle, Bun's native socket, in-order async handlers, errors, ws.data
// replacement, publish and counts, every WebSocket option, close codes. A front door binds it with `mount`.

import { afterEach, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import type { SocketHandlers, WebSocketOptions } from "../../src/engine/index.ts";
import { TestSocket, until } from "../support/socket.ts";

export interface ContractServer {
  /** ws:// URL of the route serving the handlers. */
  url: string;
  publish(topic: string, data: string): number;
  subscriberCount(topic: string): number;
  /** Errors the front door's own error hook received (handlers without `error`). */
  errors: unknown[];
  stop(): Promise<void>;
}

export type ContractMount = (handlers: SocketHandlers<any>, options: { websocket?: WebSocketOptions }) => ContractServer | Promise<ContractServer>;

type Ws = ServerWebSocket<any>;

/** A small command language over text frames, so one set of handlers can exercise every behaviour. */
function commandHandlers(closes: Array<[number, string]>, withErrorHandler = true): SocketHandlers<any> {
  const handlers: SocketHandlers<any> = {
    open(ws: Ws) {
      ws.send("open");
    },
    message(ws: Ws, message) {
      const [command = "", arg = "", rest = ""] = String(message).split("|");
      switch (command) {
        case "echo":
          return void ws.send(arg);
        case "native": {
          const sent = ws.send("native");
          return void ws.send(JSON.stringify({ name: ws.constructor.name, sent, buffered: ws.bufferedAmount, readyState: ws.readyState, remote: typeof ws.remoteAddress, cork: typeof ws.cork }));
        }
        case "slow":
          return Bun.sleep(Number(arg)).then(() => ws.send(rest));
        case "throw":
          throw new Error(`thrown ${arg}`);
        case "reject":
          return Promise.reject(new Error(`rejected ${arg}`));
        case "sub":
          ws.subscribe(arg);
          return void ws.send(`subscribed ${arg} ${ws.isSubscribed(arg)}`);
        case "pub":
          return void ws.publish(arg, rest);
        case "cork":
          return void ws.cork(() => {
            ws.send("one");
            ws.send("two");
          });
        case "ping":
          return void ws.ping("hi");
        case "close":
          return void ws.close(Number(arg), rest);
        case "data":
          return void ws.send(JSON.stringify(ws.data.mine ?? null));
      }
      ws.send(`unknown ${command}`);
    },
    close(_ws: Ws, code, reason) {
      closes.push([code, reason]);
    },
    pong(ws: Ws, data) {
      ws.send(`pong ${data.toString()}`);
    },
  };
  if (withErrorHandler) handlers.error = (ws: Ws, error) => void ws.send(`error: ${(error as Error).message}`);
  return handlers;
}

export function engineContract(label: string, mount: ContractMount): void {
  describe(`engine contract (${label})`, () => {
    const servers: ContractServer[] = [];
    const sockets: TestSocket[] = [];
    afterEach(async () => {
      for (const socket of sockets.splice(0)) await socket.close();
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    });

    async function serve(options: { websocket?: WebSocketOptions; errorHandler?: boolean; handlers?: SocketHandlers<any> } = {}) {
      const closes: Array<[number, string]> = [];
      const server = await mount(options.handlers ?? commandHandlers(closes, options.errorHandler ?? true), { websocket: options.websocket });
      servers.push(server);
      return { server, closes };
    }
    async function connect(url: string): Promise<TestSocket> {
      const socket = await TestSocket.open(url);
      sockets.push(socket);
      expect(await socket.next()).toBe("open");
      return socket;
    }

    test("handlers get Bun's own ServerWebSocket: send returns bytes, bufferedAmount reads as a number", async () => {
      const { server } = await serve();
      const client = await connect(server.url);
      client.send("native");
      expect(await client.next()).toBe("native");
      const facts = await client.json();
      expect(facts).toEqual({ name: "ServerWebSocket", sent: 6, buffered: 0, readyState: 1, remote: "string", cork: "function" });
    });

    test("async handlers run in order per connection", async () => {
      const { server } = await serve();
      const client = await connect(server.url);
      client.send("slow|40|first");
      client.send("slow|1|second");
      client.send("echo|third");
      expect(await client.take(3)).toEqual(["first", "second", "third"]);
    });

    test("a throwing and a rejecting handler reach error(ws, err); the connection and others keep working", async () => {
      const { server } = await serve();
      const [client, other] = [await connect(server.url), await connect(server.url)];
      client.send("throw|a");
      client.send("reject|b");
      client.send("echo|still here");
      expect(await client.take(3)).toEqual(["error: thrown a", "error: rejected b", "still here"]);
      other.send("echo|fine");
      expect(await other.next()).toBe("fine");
    });

    test("without a route error handler, errors reach the front door's error hook", async () => {
      const { server } = await serve({ errorHandler: false });
      const client = await connect(server.url);
      client.send("throw|x");
      client.send("echo|alive");
      expect(await client.next()).toBe("alive");
      expect(server.errors.map((e) => (e as Error).message)).toEqual(["thrown x"]);
    });

    test("user code may replace ws.data in open; dispatch still finds the route", async () => {
      const handlers = commandHandlers([]);
      const open = handlers.open!;
      handlers.open = (ws: Ws) => {
        ws.data = { mine: "replaced" };
        return open(ws);
      };
      const { server } = await serve({ handlers });
      const client = await connect(server.url);
      client.send("data");
      expect(await client.next()).toBe('"replaced"');
    });

    test("server publish reaches subscribers; subscriberCount follows subscribes and closes", async () => {
      const { server } = await serve();
      const [a, b] = [await connect(server.url), await connect(server.url)];
      a.send("sub|room");
      b.send("sub|room");
      expect(await a.next()).toBe("subscribed room true");
      expect(await b.next()).toBe("subscribed room true");
      expect(server.subscriberCount("room")).toBe(2);
      expect(server.publish("room", "news")).toBeGreaterThan(0);
      expect(await a.next()).toBe("news");
      expect(await b.next()).toBe("news");
      await b.close();
      await until(() => server.subscriberCount("room") === 1, 2000, "subscriberCount 1");
    });

    test("ws.publish skips the sender by default", async () => {
      const { server } = await serve();
      const [a, b] = [await connect(server.url), await connect(server.url)];
      for (const s of [a, b]) s.send("sub|t");
      await a.next();
      await b.next();
      a.send("pub|t|from a");
      a.send("echo|after");
      expect(await b.next()).toBe("from a");
      expect(await a.next()).toBe("after");
    });

    test("publishToSelf: true delivers to the sender too", async () => {
      const { server } = await serve({ websocket: { publishToSelf: true } });
      const a = await connect(server.url);
      a.send("sub|t");
      await a.next();
      a.send("pub|t|to myself");
      expect(await a.next()).toBe("to myself");
    });

    test("maxPayloadLength: an oversized message closes that socket with 1009; others keep working", async () => {
      const { server } = await serve({ websocket: { maxPayloadLength: 1024 } });
      const [big, other] = [await connect(server.url), await connect(server.url)];
      big.send(`echo|${"x".repeat(2048)}`);
      expect((await big.closed).code).toBe(1009);
      other.send("echo|ok");
      expect(await other.next()).toBe("ok");
    });

    test("perMessageDeflate is negotiated when enabled", async () => {
      const { server } = await serve({ websocket: { perMessageDeflate: true } });
      const client = await connect(server.url);
      expect(client.ws.extensions).toContain("permessage-deflate");
      client.send(`echo|${"compressible ".repeat(100)}`);
      expect(await client.next()).toBe("compressible ".repeat(100));
    });

    test("cork batches sends; ping gets the client's pong into the pong handler", async () => {
      const { server } = await serve();
      const client = await connect(server.url);
      client.send("cork");
      expect(await client.take(2)).toEqual(["one", "two"]);
      client.send("ping");
      expect(await client.next()).toBe("pong hi");
    });

    test("close codes travel both ways", async () => {
      const { server, closes } = await serve();
      const closedByServer = await connect(server.url);
      closedByServer.send("close|4001|bye");
      const event = await closedByServer.closed;
      expect([event.code, event.reason]).toEqual([4001, "bye"]);
      const closedByClient = await connect(server.url);
      await closedByClient.close(4002, "done");
      await until(() => closes.length === 2, 2000, "two close handlers");
      expect(closes).toContainEqual([4002, "done"]);
    });

    test("stop closes every socket with 1001 and runs their close handlers", async () => {
      const { server, closes } = await serve();
      const client = await connect(server.url);
      await server.stop();
      servers.length = 0;
      expect((await client.closed).code).toBe(1001);
      expect(closes.length).toBe(1);
    });

    test("stop waits for async close handlers to finish", async () => {
      const finished: string[] = [];
      const { server } = await serve({
        handlers: {
          open: (ws: Ws) => void ws.send("open"),
          async close() {
            await Bun.sleep(30);
            finished.push("close handler done");
          },
        },
      });
      await connect(server.url);
      await server.stop();
      servers.length = 0;
      expect(finished).toEqual(["close handler done"]);
    });
  });
}
