// `@OnRejected()`: a frame `messageRateLimit` (`action: "reply"`) refused goes to `(ws, message, error)` instead of
// `@OnMessage`; on a gateway with `@SubscribeMessage` the RATE_LIMITED reply is sent first, then it runs. Without it
// a raw gateway drops the frame and stays open.

import { afterEach, describe, expect, test } from "bun:test";
import { Application, BunwireError, OnError, OnMessage, OnOpen, OnRejected, SubscribeMessage, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket } from "bunwire/gateway";
import { connect, Queue } from "./fixture.ts";

afterEach(() => WebSocketGatewayRegistry.getInstance().clear());

// One message a minute: the first is handled, the rest are refused.
const LIMIT = { messageRateLimit: { messages: 1, intervalMs: 60_000, action: "reply" as const } };

@WebSocketGateway("/raw")
class RawGateway {
  @OnMessage() echo(ws: ServerWebSocket, message: string) {
    ws.send(`echo ${message}`);
  }

  @OnRejected() refused(ws: ServerWebSocket, message: string, error: BunwireError) {
    ws.send(`rejected ${message} ${error.code}`);
  }
}

@WebSocketGateway("/quiet")
class QuietGateway {
  @OnOpen() open(ws: ServerWebSocket) {
    ws.subscribe("quiet");
  }

  @OnMessage() echo(ws: ServerWebSocket, message: string) {
    ws.send(`echo ${message}`);
  }
}

const refusedTyped = new Queue<string>();

@WebSocketGateway("/typed")
class TypedGateway {
  @SubscribeMessage("add") add(_ws: ServerWebSocket, { a, b }: { a: number; b: number }) {
    return a + b;
  }

  @OnRejected refused(_ws: ServerWebSocket, message: string, error: BunwireError) {
    refusedTyped.push(`${error.code} ${message}`);
  }
}

const errors = new Queue<string>();

@WebSocketGateway("/throws")
class ThrowingGateway {
  @OnMessage() ignore() {}

  @OnRejected() refused(_ws: ServerWebSocket, message: string) {
    throw new Error(`no ${message}`);
  }

  @OnError() failed(_ws: ServerWebSocket, error: Error) {
    errors.push(error.message);
  }
}

async function serve(gateway: new (...args: never[]) => object): Promise<Application> {
  const app = new Application({ port: 0, globalRegistry: false, ...LIMIT }).registerGateway(gateway);
  app.listen({ quiet: true });
  return app;
}

describe("@OnRejected", () => {
  test("an @OnMessage gateway: a frame over messageRateLimit reaches @OnRejected(ws, message, error)", async () => {
    const app = await serve(RawGateway);
    try {
      const c = await connect(app, "/raw");
      c.send("one");
      c.send("two");
      c.send("three");
      expect(await c.text()).toBe("echo one");
      expect(await c.text()).toBe("rejected two RATE_LIMITED");
      expect(await c.text()).toBe("rejected three RATE_LIMITED");
    } finally {
      await app.close();
    }
  });

  test("without @OnRejected the frame is dropped and the connection stays open", async () => {
    const app = await serve(QuietGateway);
    try {
      const c = await connect(app, "/quiet");
      c.send("one");
      c.send("two");
      expect(await c.text()).toBe("echo one");
      // Not echoed, not closed: the next frame is the server's publish (frames keep their order).
      app.publish("quiet", "still here");
      expect(await c.text()).toBe("still here");
    } finally {
      await app.close();
    }
  });

  test("a @SubscribeMessage gateway answers RATE_LIMITED to the request, then calls @OnRejected", async () => {
    const app = await serve(TypedGateway);
    try {
      const c = await connect(app, "/typed");
      expect(await c.ask({ event: "add", data: { a: 1, b: 2 }, id: 1 })).toEqual({ id: 1, ack: 3 });
      const refused = JSON.stringify({ event: "add", data: { a: 2, b: 2 }, id: 2 });
      const reply = await c.ask(refused);
      expect(reply).toMatchObject({ id: 2, error: { code: "RATE_LIMITED" } });
      expect(await refusedTyped.next()).toBe(`RATE_LIMITED ${refused}`);
    } finally {
      await app.close();
    }
  });

  test("what @OnRejected throws goes to @OnError", async () => {
    const app = await serve(ThrowingGateway);
    try {
      const c = await connect(app, "/throws");
      c.send("one");
      c.send("two");
      expect(await errors.next()).toBe("no two");
    } finally {
      await app.close();
    }
  });

  test("two @OnRejected on one gateway are refused at registration, naming both methods", () => {
    @WebSocketGateway("/twice")
    class Twice {
      @OnRejected() first() {}
      @OnRejected() second() {}
    }
    expect(() => new Application({ globalRegistry: false }).registerGateway(Twice)).toThrow("Twice.second: @OnRejected() is also on Twice.first");
  });
});
