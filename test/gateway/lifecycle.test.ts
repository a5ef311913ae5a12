// The gateway lifecycle over real sockets: open/message/close, the writable per-connection `ws.data`, async
// handlers in order, failures on the error path while the server keeps serving, listen() and close().

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { Application, Module, OnClose, OnError, OnMessage, OnOpen, paramsOf, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket, type WebSocketConnectionData } from "bunwire/gateway";
import type { ErrorSource } from "../../src/engine/index.ts";
import { connect, Queue } from "./fixture.ts";

afterEach(() => WebSocketGatewayRegistry.getInstance().clear());

interface Player extends WebSocketConnectionData {
  name: string;
  moves: number;
}

const closes = new Queue<{ name: string; code: number }>();
let players = 0;

@WebSocketGateway("/game")
class GameGateway {
  @OnOpen()
  open(ws: ServerWebSocket<Player>) {
    ws.data.name = `player${++players}`;
    ws.data.moves = 0;
  }

  @OnMessage()
  move(ws: ServerWebSocket<Player>, message: string) {
    ws.data.moves++;
    ws.send(`${ws.data.name} ${message} #${ws.data.moves}`);
  }

  @OnClose()
  close(ws: ServerWebSocket<Player>, code: number) {
    closes.push({ name: ws.data.name, code });
  }
}

async function serve(...gateways: (new (...args: never[]) => object)[]): Promise<Application> {
  const app = new Application({ port: 0 }).registerGateway(...gateways);
  app.listen();
  return app;
}

describe("connection data", () => {
  test("ws.data is a writable object per connection that handlers extend", async () => {
    const app = await serve(GameGateway);
    try {
      const one = await connect(app, "/game");
      const two = await connect(app, "/game");
      one.send("e4");
      two.send("e5");
      one.send("Nf3");
      const first = await one.text();
      const second = await two.text();
      expect(await one.text()).toBe(`${first.split(" ")[0]} Nf3 #2`);
      expect(first).toMatch(/^player\d+ e4 #1$/);
      expect(second).toMatch(/^player\d+ e5 #1$/);
      expect(first.split(" ")[0]).not.toBe(second.split(" ")[0]);
    } finally {
      await app.close();
    }
  });

  test("path params of the gateway path are read with paramsOf(ws)", async () => {
    @WebSocketGateway("/rooms/:room")
    class RoomGateway {
      @OnOpen()
      open(ws: ServerWebSocket) {
        ws.send(`joined ${paramsOf(ws).room}`);
      }
    }
    const app = await serve(RoomGateway);
    try {
      expect(await (await connect(app, "/rooms/caf%C3%A9")).text()).toBe("joined café");
    } finally {
      await app.close();
    }
  });
});

describe("async handlers", () => {
  test("an async @OnOpen and async @OnMessage run in order per connection", async () => {
    @WebSocketGateway("/ordered")
    class OrderedGateway {
      readonly log: string[] = [];

      @OnOpen()
      async open(ws: ServerWebSocket) {
        await Bun.sleep(10);
        ws.data.ready = true;
      }

      @OnMessage()
      async handle(ws: ServerWebSocket, message: string) {
        this.log.push(`start ${message}`);
        // The first message waits longest: without ordering, later ones would overtake it.
        await Bun.sleep(message === "1" ? 30 : 1);
        this.log.push(`end ${message}`);
        ws.send(`${message} ready=${ws.data.ready}`);
      }
    }
    const app = await serve(OrderedGateway);
    try {
      const client = await connect(app, "/ordered");
      for (const message of ["1", "2", "3"]) client.send(message);
      expect([await client.text(), await client.text(), await client.text()]).toEqual(["1 ready=true", "2 ready=true", "3 ready=true"]);
      expect(app.get(OrderedGateway).log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
    } finally {
      await app.close();
    }
  });
});

describe("failures take the error path and the server keeps serving", () => {
  @WebSocketGateway("/fragile")
  class FragileGateway {
    @OnMessage()
    async handle(ws: ServerWebSocket, message: string) {
      await Bun.sleep(1);
      if (message === "fail") throw new Error("rejected on purpose");
      ws.send(`ok ${message}`);
    }
  }

  test("a rejected async @OnMessage reaches the application's onError with the gateway path", async () => {
    const errors = new Queue<{ error: unknown; source: ErrorSource }>();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const app = new Application({ port: 0, onError: (error, source) => errors.push({ error, source }) }).registerGateway(FragileGateway);
    app.listen();
    try {
      const client = await connect(app, "/fragile");
      client.send("fail");
      client.send("after");
      const { error, source } = await errors.next();
      expect((error as Error).message).toBe("rejected on purpose");
      expect(source.kind === "websocket" && source.routePath).toBe("/fragile");
      expect(await client.text()).toBe("ok after");
      // Another connection is served as well.
      const other = await connect(app, "/fragile");
      other.send("still");
      expect(await other.text()).toBe("ok still");
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await app.close();
    }
  });

  test("@OnError() receives what any handler of its gateway threw, sync or async", async () => {
    @WebSocketGateway("/guarded")
    class GuardedGateway {
      @OnMessage()
      handle(ws: ServerWebSocket, message: string) {
        if (message === "sync") throw new Error("thrown");
        return Promise.reject(new Error("rejected"));
      }

      @OnError()
      failed(ws: ServerWebSocket, error: Error) {
        ws.send(`error: ${error.message}`);
      }
    }
    const app = await serve(GuardedGateway);
    try {
      const client = await connect(app, "/guarded");
      client.send("sync");
      expect(await client.text()).toBe("error: thrown");
      client.send("async");
      expect(await client.text()).toBe("error: rejected");
    } finally {
      await app.close();
    }
  });
});

describe("listen() and close()", () => {
  test("listen() works without await (as the seed calls it); awaited it gives Bun's Server", async () => {
    const app = new Application({ port: 0 }).registerGateway(GameGateway);
    const server: Server<unknown> = await app.listen();
    try {
      expect(server.port).toBe(app.port!);
      expect(app.server).toBe(server);
      const client = await connect(app, "/game");
      client.send("go");
      expect(await client.text()).toMatch(/ go #1$/);
    } finally {
      await app.close();
    }
  });

  test("listen(port) overrides the option; a second listen() is refused", async () => {
    const app = new Application({ port: 1 }).registerGateway(GameGateway);
    app.listen(0);
    try {
      expect(app.port).toBeGreaterThan(1);
      expect(() => app.listen(0)).toThrow("already listening");
    } finally {
      await app.close();
    }
  });

  test("close() closes every connection with 1001 and runs @OnClose", async () => {
    const app = await serve(GameGateway);
    const client = await connect(app, "/game");
    client.send("hello");
    const name = (await client.text()).split(" ")[0]!;
    await app.close();
    expect(await client.closed).toMatchObject({ code: 1001 });
    // Earlier tests' connections closed through the same gateway class: find this one's.
    let closed = await closes.next();
    while (closed.name !== name) closed = await closes.next();
    expect(closed).toEqual({ name, code: 1001 });
  });

  test("a plain HTTP request on a gateway path gets 426, elsewhere 404", async () => {
    const app = await serve(GameGateway);
    try {
      expect((await fetch(`http://127.0.0.1:${app.port}/game`)).status).toBe(426);
      expect((await fetch(`http://127.0.0.1:${app.port}/nothing`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe("registration", () => {
  test("a gateway registered globally and through a module (the seed does both) is served once", async () => {
    @Module({ providers: [GameGateway] })
    class AppModule {}
    const app = new Application({ port: 0 });
    WebSocketGatewayRegistry.getInstance().register(GameGateway);
    app.registerModule(AppModule);
    app.listen();
    try {
      const client = await connect(app, "/game");
      client.send("once");
      expect(await client.text()).toMatch(/ once #1$/);
    } finally {
      await app.close();
    }
  });

  test("globalRegistry: false serves only the application's own gateways", async () => {
    WebSocketGatewayRegistry.getInstance().register(GameGateway);
    const app = new Application({ port: 0, globalRegistry: false });
    app.listen();
    try {
      expect((await fetch(`http://127.0.0.1:${app.port}/game`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe("inheritance", () => {
  class BaseEcho {
    @OnMessage()
    echo(ws: ServerWebSocket, message: string) {
      ws.send(`${this.prefix()} ${message}`);
    }

    prefix(): string {
      return "base";
    }
  }

  @WebSocketGateway("/derived")
  class DerivedEcho extends BaseEcho {
    override prefix(): string {
      return "derived";
    }

    @OnOpen()
    open(ws: ServerWebSocket) {
      ws.send("hello");
    }
  }

  test("a gateway inherits the decorated handlers of its base class", async () => {
    const app = await serve(DerivedEcho);
    try {
      const client = await connect(app, "/derived");
      expect(await client.text()).toBe("hello");
      client.send("x");
      expect(await client.text()).toBe("derived x");
    } finally {
      await app.close();
    }
  });
});
