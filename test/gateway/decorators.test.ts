// Decorator misuse fails at registration with a message naming the class and the method; the bare forms
// (`@OnOpen` without parentheses, `@Injectable`) work like the called ones.

import { afterEach, describe, expect, test } from "bun:test";
import { Application, BunwireError, Injectable, Module, OnClose, OnMessage, OnOpen, SubscribeMessage, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket } from "bunwire/gateway";
import { thrownBunwireError } from "../support/thrown.ts";
import { connect, Queue } from "./fixture.ts";

const registry = WebSocketGatewayRegistry.getInstance();
afterEach(() => registry.clear());

const registrationError = (register: () => unknown): BunwireError => thrownBunwireError(register, "registration");

@WebSocketGateway("/twice")
class TwoMessageHandlers {
  @OnMessage()
  first() {}

  @OnMessage()
  second() {}
}

@WebSocketGateway("ws")
class NoLeadingSlash {
  @OnOpen()
  open() {}
}

@WebSocketGateway("/events")
class SameEventTwice {
  @SubscribeMessage("say")
  sayOne() {}

  @SubscribeMessage("say")
  sayTwo() {}
}

@WebSocketGateway("/reserved")
class ReservedEvent {
  @SubscribeMessage("$join")
  join() {}
}

class HandlersWithoutGateway {
  @OnMessage()
  handle() {}
}

@Module({ providers: [HandlersWithoutGateway] })
class StrayModule {}

class NotAModule {}

describe("misuse fails at registration, naming class and method", () => {
  test("two @OnMessage on one class: registry.register names both methods", () => {
    const error = registrationError(() => registry.register(TwoMessageHandlers));
    expect(error.code).toBe("INVALID_HANDLER");
    expect(error.message).toContain("TwoMessageHandlers.second");
    expect(error.message).toContain("TwoMessageHandlers.first");
    expect(error.message).toContain("@OnMessage()");
  });

  test("the same misuse through a module fails at registerModule", () => {
    @Module({ providers: [TwoMessageHandlers] })
    class AppModule {}
    const error = registrationError(() => new Application().registerModule(AppModule));
    expect(error.message).toContain("TwoMessageHandlers.second");
  });

  test("a gateway path without a leading / names the class and the path", () => {
    const error = registrationError(() => registry.register(NoLeadingSlash));
    expect(error.code).toBe("INVALID_ROUTE");
    expect(error.message).toContain("NoLeadingSlash");
    expect(error.message).toContain('"ws"');
    expect(error.message).toContain('starting with "/"');
  });

  test("one event on two @SubscribeMessage methods", () => {
    const error = registrationError(() => new Application().registerGateway(SameEventTwice));
    expect(error.message).toContain("SameEventTwice.sayTwo");
    expect(error.message).toContain("SameEventTwice.sayOne");
  });

  test("$-events are reserved for the protocol", () => {
    expect(registrationError(() => registry.register(ReservedEvent)).message).toContain("ReservedEvent.join");
  });

  test("handler decorators on a provider without @WebSocketGateway would never run: an error", () => {
    const error = registrationError(() => new Application().registerModule(StrayModule));
    expect(error.message).toContain("HandlersWithoutGateway.handle");
    expect(error.message).toContain("@WebSocketGateway");
  });

  test("registering a class that is no gateway, or a class that is no module", () => {
    expect(registrationError(() => registry.register(NotAModule)).message).toContain("NotAModule is not a gateway");
    expect(registrationError(() => new Application().registerModule(NotAModule)).message).toContain("NotAModule is not a module");
  });

  test("a decorator on a property, not a method", () => {
    @WebSocketGateway("/field")
    class FieldGateway {
      // @ts-expect-error: the decorator's type already refuses a property
      @OnOpen()
      notAMethod = 1;
    }
    expect(registrationError(() => registry.register(FieldGateway)).message).toContain("FieldGateway.notAMethod");
  });

  test("two gateway classes on one path conflict, naming both", () => {
    @WebSocketGateway("/same")
    class A {}
    @WebSocketGateway("/same/")
    class B {}
    const error = registrationError(() => registry.register(A, B));
    expect(error.code).toBe("ROUTE_CONFLICT");
    expect(error.message).toContain("B and A");
  });
});

describe("bare decorator forms", () => {
  const seen = new Queue<string>();

  @Injectable
  class Greeter {
    greet(name: string) {
      return `hello ${name}`;
    }
  }

  @WebSocketGateway("/bare")
  class BareGateway {
    constructor(private readonly greeter: Greeter) {}

    @OnOpen
    opened(ws: ServerWebSocket) {
      ws.send(this.greeter.greet("bare"));
    }

    @OnMessage
    message(ws: ServerWebSocket, text: string) {
      ws.send(`got ${text}`);
    }

    @OnClose
    closed() {
      seen.push("closed");
    }
  }

  test("@OnOpen, @OnMessage, @OnClose and @Injectable without parentheses", async () => {
    const app = new Application({ port: 0 }).registerGateway(BareGateway);
    app.listen();
    try {
      const client = await connect(app, "/bare");
      expect(await client.text()).toBe("hello bare");
      client.send("x");
      expect(await client.text()).toBe("got x");
      await client.close();
      expect(await seen.next()).toBe("closed");
    } finally {
      await app.close();
    }
  });
});
