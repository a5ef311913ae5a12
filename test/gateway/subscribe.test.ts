// @SubscribeMessage: envelopes `{ event, data, id? }` (JSON or MessagePack) routed to methods through the protocol's
// one dispatcher, the return value sent back, with the typed-message protocol's envelope, error codes and replies
// (docs/PROTOCOL.md), and bunwire/client talking to it. The full protocol contract runs in test/protocol/gateway.test.ts.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import * as v from "valibot";
import { Application, BunwireError, Injectable, OnError, OnMessage, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { connect as connectClient, defineProtocol, RequestError } from "bunwire/client";
import { msgpack } from "bunwire/client/msgpack";
import { decodeMsgpack, encodeMsgpack, MSGPACK_SUBPROTOCOL } from "../../src/protocol/index.ts";
import { Probe } from "../protocol/fixture.ts";
import { Client, connect, Queue } from "./fixture.ts";

const chat = defineProtocol({
  client: {
    say: z.object({ text: z.string().max(20) }),
    add: v.object({ a: v.number(), b: v.number() }),
    slow: z.object({ ms: z.number() }),
    boom: z.object({}),
  },
  server: {},
  acks: { say: z.object({ echoed: z.string(), by: z.string() }), add: z.number(), slow: z.string() },
});

@Injectable()
class Names {
  of(ws: ServerWebSocket): string {
    return (ws.data.name ??= "anon");
  }
}

const failures = new Queue<string>();

@WebSocketGateway("/chat")
class ChatGateway {
  constructor(private readonly names: Names) {}

  @SubscribeMessage("say", chat.client.say)
  say(ws: ServerWebSocket, { text }: { text: string }) {
    return { echoed: text, by: this.names.of(ws) };
  }

  @SubscribeMessage("add", chat.client.add)
  add(_ws: ServerWebSocket, { a, b }: { a: number; b: number }) {
    return a + b;
  }

  @SubscribeMessage("slow", chat.client.slow)
  async slow(_ws: ServerWebSocket, { ms }: { ms: number }) {
    await Bun.sleep(ms);
    return `slept ${ms}`;
  }

  @SubscribeMessage("boom")
  boom(): never {
    throw new Error("kaboom");
  }

  @SubscribeMessage("reject")
  async reject(): Promise<never> {
    throw new BunwireError("FORBIDDEN", "not yours");
  }

  @SubscribeMessage("raw")
  raw(_ws: ServerWebSocket, data: unknown) {
    return { got: data ?? null };
  }

  @SubscribeMessage("quiet")
  quiet() {}

  @OnError()
  failed(_ws: ServerWebSocket, error: Error) {
    failures.push(error.message);
  }
}

let app: Application;
let probe: Client;

beforeAll(async () => {
  app = new Application({ port: 0 }).registerGateway(ChatGateway);
  app.listen();
  probe = await connect(app, "/chat");
});

afterAll(() => app.close());

describe("replies", () => {
  test("a message with an id gets the return value as its ack", async () => {
    expect(await probe.ask({ event: "add", data: { a: 2, b: 40 }, id: 1 })).toEqual({ id: 1, ack: 42 });
    expect(await probe.ask({ event: "say", data: { text: "hi" }, id: 2 })).toEqual({ id: 2, ack: { echoed: "hi", by: "anon" } });
  });

  test("an async method's resolved value is the ack", async () => {
    expect(await probe.ask({ event: "slow", data: { ms: 2 }, id: 3 })).toEqual({ id: 3, ack: "slept 2" });
  });

  test("without an id the return value comes back as { event, data }; undefined sends nothing", async () => {
    probe.send({ event: "quiet" });
    expect(await probe.ask({ event: "add", data: { a: 1, b: 2 } })).toEqual({ event: "add", data: 3 });
  });

  test("an undefined return with an id acks null", async () => {
    expect(await probe.ask({ event: "quiet", id: 4 })).toEqual({ id: 4, ack: null });
  });

  test("without a schema the data arrives as sent", async () => {
    expect(await probe.ask({ event: "raw", data: [1, "two"], id: 5 })).toEqual({ id: 5, ack: { got: [1, "two"] } });
  });

  test("$ping gets $pong (the client's heartbeat)", async () => {
    expect(await probe.ask({ event: "$ping" })).toEqual({ event: "$pong" });
  });
});

describe("errors: code and message, no stack, the connection stays open", () => {
  test("a throwing method: HANDLER_ERROR to the request (its message stays on the server), and @OnError gets the error", async () => {
    expect(await probe.ask({ event: "boom", id: 10 })).toEqual({ id: 10, error: { code: "HANDLER_ERROR", message: 'the handler of "boom" failed' } });
    expect(await failures.next()).toBe("kaboom");
    expect(await probe.ask({ event: "add", data: { a: 1, b: 1 }, id: 11 })).toEqual({ id: 11, ack: 2 });
  });

  test("a BunwireError keeps its own code and message; without an id it is a $error event naming the event", async () => {
    expect(await probe.ask({ event: "reject", id: 12 })).toEqual({ id: 12, error: { code: "FORBIDDEN", message: "not yours" } });
    expect(await failures.next()).toBe("not yours");
    expect(await probe.ask({ event: "boom" })).toEqual({ event: "$error", error: { code: "HANDLER_ERROR", message: 'the handler of "boom" failed', event: "boom" } });
    expect(await failures.next()).toBe("kaboom");
  });

  test("unknown event, with and without an id (the $error names it)", async () => {
    expect(await probe.ask({ event: "nope", id: 13 })).toEqual({ id: 13, error: { code: "UNKNOWN_EVENT", message: 'unknown event "nope"' } });
    expect((await probe.ask({ event: "toString" })).error).toMatchObject({ code: "UNKNOWN_EVENT", event: "toString" });
  });

  test("invalid data: VALIDATION_FAILED with the validator's issues (zod and valibot)", async () => {
    const zod = await probe.ask({ event: "say", data: { text: 5 }, id: 14 });
    expect(zod.id).toBe(14);
    expect(zod.error.code).toBe("VALIDATION_FAILED");
    expect(zod.error.message).toBe('invalid data for "say"');
    expect(zod.error.issues[0].path).toEqual(["text"]);
    const valibot = await probe.ask({ event: "add", data: { a: "x", b: 1 }, id: 15 });
    expect(valibot.error.code).toBe("VALIDATION_FAILED");
    expect(valibot.error.issues[0].path).toEqual(["a"]);
  });

  test("invalid JSON and bad envelopes get protocol errors, with the request id when the frame has one", async () => {
    expect((await probe.ask("{not json")).error.code).toBe("INVALID_JSON");
    expect((await probe.ask({ data: 1 })).error.code).toBe("INVALID_ENVELOPE");
    expect(await probe.ask({ data: 1, id: 17 })).toMatchObject({ id: 17, error: { code: "INVALID_ENVELOPE" } });
    expect((await probe.ask({ event: "add", id: "seven" })).error.code).toBe("INVALID_ENVELOPE");
    expect(await probe.ask({ event: "add", data: { a: 0, b: 0 }, id: 16 })).toEqual({ id: 16, ack: 0 });
  });
});

describe("MessagePack", () => {
  test("binary frames are MessagePack envelopes: acks, replies without an id and errors come back in MessagePack", async () => {
    const binary = new Probe(`ws://127.0.0.1:${app.port}/chat`, [MSGPACK_SUBPROTOCOL, "bunwire.json"]);
    await binary.opened;
    try {
      expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: 1, b: 2 }, id: 1 })))).toEqual({ id: 1, ack: 3 });
      expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: 1, b: 2 } })))).toEqual({ event: "add", data: 3 });
      expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "say", data: { text: 5 }, id: 2 })))).toMatchObject({ id: 2, error: { code: "VALIDATION_FAILED" } });
      expect(decodeMsgpack(await binary.ask(new Uint8Array([0xc1])))).toMatchObject({ event: "$error", error: { code: "INVALID_ENVELOPE" } });
    } finally {
      binary.ws.close();
    }
  });

  test("bunwire/client with the MessagePack codec talks to a gateway", async () => {
    const client = connectClient<typeof chat>(`ws://127.0.0.1:${app.port}/chat`, { reconnect: false, codec: msgpack });
    try {
      await client.whenOpen();
      expect(client.subprotocol).toBe(MSGPACK_SUBPROTOCOL);
      expect(await client.request("add", { a: 20, b: 22 })).toBe(42);
    } finally {
      client.close();
    }
  });
});

describe("@OnMessage beside @SubscribeMessage", () => {
  @WebSocketGateway("/mixed")
  class MixedGateway {
    @SubscribeMessage("ping")
    ping() {
      return "pong";
    }

    @OnMessage()
    other(ws: ServerWebSocket, message: string | Buffer) {
      ws.send(`raw: ${typeof message === "string" ? message : "binary"}`);
    }
  }

  test("frames no event claims (unknown events, plain text, binary that is no envelope) go to @OnMessage", async () => {
    const mixed = new Application({ port: 0 }).registerGateway(MixedGateway);
    mixed.listen();
    try {
      const client = await connect(mixed, "/mixed");
      expect(await client.ask({ event: "ping", id: 1 })).toEqual({ id: 1, ack: "pong" });
      client.send("hello");
      expect(await client.text()).toBe("raw: hello");
      client.send({ event: "other" });
      expect(await client.text()).toBe('raw: {"event":"other"}');
      client.ws.send(new Uint8Array([1]));
      expect(await client.text()).toBe("raw: binary");
      client.send({ event: "$join", data: { topic: "t" } }); // without the rooms option, $join is nobody's
      expect(await client.text()).toBe('raw: {"event":"$join","data":{"topic":"t"}}');
    } finally {
      await mixed.close();
    }
  });
});

describe("bunwire/client talks to a gateway", () => {
  test("requests resolve with acks and reject with RequestError codes", async () => {
    const client = connectClient<typeof chat>(`ws://127.0.0.1:${app.port}/chat`, { reconnect: false });
    try {
      await client.whenOpen();
      expect(await client.request("add", { a: 20, b: 22 })).toBe(42);
      expect(await client.request("say", { text: "typed" })).toEqual({ echoed: "typed", by: "anon" });
      const error = await client.request("say", { text: "x".repeat(30) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestError);
      expect((error as RequestError).code).toBe("VALIDATION_FAILED");
      const failure = await client.request("boom", {}).catch((e: unknown) => e);
      expect((failure as RequestError).code).toBe("HANDLER_ERROR");
      expect(await failures.next()).toBe("kaboom");
    } finally {
      client.close();
    }
  });
});

describe("@WebSocketGateway(path, { protocol })", () => {
  test("an event that is not a client event of the protocol fails at start-up, naming class and event", () => {
    @WebSocketGateway("/strict", { protocol: chat })
    class StrictGateway {
      @SubscribeMessage("shout")
      shout() {}
    }
    const strict = new Application({ port: 0, globalRegistry: false }).registerGateway(StrictGateway);
    expect(() => strict.listen()).toThrow(/StrictGateway: @SubscribeMessage\("shout"\) is not a client event of protocol/);
  });
});

describe("types", () => {
  test("a schema types the method's data: a mismatch is a compile error", () => {
    @WebSocketGateway("/typed")
    class TypedGateway {
      // @ts-expect-error: the schema gives { text: string }, the method wants a number
      @SubscribeMessage("say", chat.client.say)
      wrong(_ws: ServerWebSocket, data: number) {
        return data;
      }
    }
    expect(TypedGateway).toBeDefined();
  });
});
