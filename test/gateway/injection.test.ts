// Dependency injection by type: @Injectable() services are constructed once per application and handed to
// gateway constructors; modules group providers and import each other; a missing provider fails at start-up.

import { afterEach, describe, expect, test } from "bun:test";
import { Application, BunwireError, Injectable, Module, OnMessage, OnOpen, WebSocketGateway, WebSocketGatewayRegistry, type ServerWebSocket } from "bunwire/gateway";
import { thrownBunwireError } from "../support/thrown.ts";
import { connect } from "./fixture.ts";

afterEach(() => WebSocketGatewayRegistry.getInstance().clear());

let counterInstances = 0;

@Injectable()
class Counter {
  readonly serial = ++counterInstances;
  #count = 0;
  increment(): number {
    return ++this.#count;
  }
}

@Injectable()
class Clock {
  constructor(readonly counter: Counter) {}
}

@WebSocketGateway("/left")
class LeftGateway {
  constructor(
    readonly counter: Counter,
    readonly clock: Clock,
  ) {}

  @OnMessage()
  handle(ws: ServerWebSocket) {
    ws.send(`left ${this.counter.increment()}`);
  }
}

@WebSocketGateway("/right")
class RightGateway {
  constructor(readonly counter: Counter) {}

  @OnMessage()
  handle(ws: ServerWebSocket) {
    ws.send(`right ${this.counter.increment()}`);
  }
}

describe("injection by type", () => {
  test("a service shared by two gateways is one instance, also inside another service", async () => {
    @Module({ providers: [Counter, Clock, LeftGateway, RightGateway] })
    class ChatModule {}
    const app = new Application({ port: 0 }).registerModule(ChatModule);
    app.listen();
    try {
      const left = app.get(LeftGateway);
      const right = app.get(RightGateway);
      expect(left.counter).toBeInstanceOf(Counter);
      expect(left.counter).toBe(right.counter);
      expect(left.clock.counter).toBe(left.counter);
      // The state is shared too: both gateways count on the same service.
      const a = await connect(app, "/left");
      const b = await connect(app, "/right");
      a.send("x");
      expect(await a.text()).toBe("left 1");
      b.send("x");
      expect(await b.text()).toBe("right 2");
    } finally {
      await app.close();
    }
  });

  test("each application constructs its own services", async () => {
    @Module({ providers: [RightGateway] })
    class RightModule {}
    const one = new Application({ port: 0 }).registerModule(RightModule);
    const two = new Application({ port: 0 }).registerModule(RightModule);
    one.listen();
    two.listen();
    try {
      expect(one.get(Counter)).not.toBe(two.get(Counter));
      expect(one.get(RightGateway)).not.toBe(two.get(RightGateway));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test("a gateway registered through the global registry is injected as well", async () => {
    WebSocketGatewayRegistry.getInstance().register(RightGateway);
    const app = new Application({ port: 0 });
    app.listen();
    try {
      const client = await connect(app, "/right");
      client.send("x");
      expect(await client.text()).toBe("right 1");
    } finally {
      await app.close();
    }
  });
});

describe("modules", () => {
  class Config {
    constructor(readonly greeting: string) {}
  }

  @Injectable()
  class Greeter {
    constructor(readonly config: Config) {}
  }

  @Module({ providers: [Greeter, { provide: Config, useValue: new Config("hello from the imported module") }] })
  class GreetingModule {}

  @WebSocketGateway("/greet")
  class GreetGateway {
    constructor(private readonly greeter: Greeter) {}

    @OnOpen()
    open(ws: ServerWebSocket) {
      ws.send(this.greeter.config.greeting);
    }
  }

  @WebSocketGateway("/other")
  class OtherGateway {
    @OnOpen()
    open(ws: ServerWebSocket) {
      ws.send("other");
    }
  }

  @Module({ providers: [OtherGateway] })
  class OtherModule {}

  @Module({ imports: [GreetingModule, OtherModule], providers: [GreetGateway] })
  class AppModule {}

  test("providers of an imported module are injected; gateways of imported modules are served", async () => {
    const app = new Application({ port: 0 }).registerModule(AppModule);
    app.listen();
    try {
      expect(await (await connect(app, "/greet")).text()).toBe("hello from the imported module");
      expect(await (await connect(app, "/other")).text()).toBe("other");
    } finally {
      await app.close();
    }
  });

  test("{ provide, useClass } stands another class in for a type", () => {
    class FakeCounter extends Counter {}
    @Module({ providers: [{ provide: Counter, useClass: FakeCounter }, RightGateway] })
    class TestModule {}
    const app = new Application({ port: 0 }).registerModule(TestModule);
    app.listen();
    expect(app.get(RightGateway).counter).toBeInstanceOf(FakeCounter);
    return app.close();
  });
});

describe("a missing provider fails at start-up, naming the constructor parameter", () => {
  class NotProvided {}

  @WebSocketGateway("/needs")
  class NeedsService {
    constructor(
      readonly counter: Counter,
      private readonly store: NotProvided,
    ) {}
  }

  interface Settings {
    debug: boolean;
  }

  @WebSocketGateway("/settings")
  class NeedsInterface {
    constructor(readonly settings: Settings) {}
  }

  const startupError = (app: Application): BunwireError => thrownBunwireError(() => app.listen(), "listen()");

  test("an undecorated, unlisted class: listen() throws before the port opens", () => {
    const app = new Application({ port: 0 }).registerGateway(NeedsService);
    const error = startupError(app);
    expect(error.code).toBe("MISSING_PROVIDER");
    expect(error.message).toContain('NeedsService constructor parameter #1 "store"');
    expect(error.message).toContain("NotProvided");
    expect(error.message).toContain("@Injectable()");
    expect(app.server).toBeUndefined();
  });

  test("listing it in a module's providers fixes it", async () => {
    @Module({ providers: [NotProvided, NeedsService] })
    class Fixed {}
    const app = new Application({ port: 0 }).registerModule(Fixed);
    app.listen();
    expect(app.server).toBeDefined();
    await app.close();
  });

  test("a parameter typed by an interface has nothing to inject by", () => {
    const error = startupError(new Application({ port: 0 }).registerGateway(NeedsInterface));
    expect(error.code).toBe("MISSING_TYPE_METADATA");
    expect(error.message).toContain('NeedsInterface constructor parameter #0 "settings"');
    expect(error.message).toContain("interface");
  });

  test("a dependency cycle names the classes", () => {
    class Store {}
    @Injectable()
    class CachedStore extends Store {
      constructor(readonly inner: Store) {
        super();
      }
    }
    @WebSocketGateway("/store")
    class StoreGateway {
      constructor(readonly store: Store) {}
    }
    @Module({ providers: [{ provide: Store, useClass: CachedStore }, StoreGateway] })
    class StoreModule {}
    const error = startupError(new Application({ port: 0 }).registerModule(StoreModule));
    expect(error.code).toBe("CIRCULAR_DEPENDENCY");
    expect(error.message).toContain("circular constructor dependency: Store (useClass CachedStore) → Store");
  });
});

describe("the Application itself", () => {
  @WebSocketGateway("/news")
  class NewsGateway {
    constructor(private readonly app: Application) {}

    @OnOpen()
    open(ws: ServerWebSocket) {
      ws.subscribe("news");
    }

    @OnMessage()
    announce(_ws: ServerWebSocket, message: string) {
      this.app.publish("news", `breaking: ${message}`);
    }
  }

  test("is injectable: a gateway publishes to a topic through it", async () => {
    const app = new Application({ port: 0 }).registerGateway(NewsGateway);
    app.listen();
    try {
      const reader = await connect(app, "/news");
      const writer = await connect(app, "/news");
      expect(app.subscriberCount("news")).toBe(2);
      writer.send("bun");
      expect(await reader.text()).toBe("breaking: bun");
      expect(await writer.text()).toBe("breaking: bun");
    } finally {
      await app.close();
    }
  });
});
