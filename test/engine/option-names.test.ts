// Every option object refuses a name it does not know, with the name it most likely meant: a typo such as
// `origins` for `origin` would otherwise be ignored and the app would run with the default in silence.

import { expect, test } from "bun:test";
import { z } from "zod";
import { BunwireError, cors, defineProtocol, rateLimit, serveStatic, session } from "bunwire";
import { connect, ClientError } from "bunwire/client";
import { WebSocketGateway } from "bunwire/gateway";
import { observe } from "bunwire/metrics";
import { natsBus } from "bunwire/nats";
import { redisBus } from "bunwire/redis";

const echo = defineProtocol({ name: "echo", client: { say: z.string() }, server: {} });

function refusal(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    return error as Error;
  }
  throw new Error("did not throw");
}

test("server-side option objects refuse an unknown name with INVALID_OPTION and a did-you-mean", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["echo.handle()", () => echo.handle({ say() {} }, { room: true } as never), 'unknown option "room" (did you mean "rooms"?)'],
    ['@WebSocketGateway("/chat")', () => WebSocketGateway("/chat", { protocl: echo } as never), 'unknown option "protocl" (did you mean "protocol"?)'],
    ["cors()", () => cors({ origins: "https://a.example" } as never), 'unknown option "origins" (did you mean "origin"?)'],
    ["serveStatic()", () => serveStatic("public", { fallThrough: false } as never), 'unknown option "fallThrough" (did you mean "fallthrough"?)'],
    ["session()", () => session({ secret: "s", maxage: 1000 } as never), 'unknown option "maxage" (did you mean "maxAge"?)'],
    ["rateLimit()", () => rateLimit({ window: 1000 } as never), 'unknown option "window" (did you mean "windowMs"?)'],
    ["observe()", () => observe({ tokn: "a-long-enough-token-value" } as never), 'unknown option "tokn" (did you mean "token"?)'],
  ];
  for (const [where, make, message] of cases) {
    const error = refusal(make);
    expect(error).toBeInstanceOf(BunwireError);
    expect((error as BunwireError).code).toBe("INVALID_OPTION");
    expect(error.message).toBe(`${where}: ${message}`);
  }
});

test("a gateway decorator refuses an unknown name where the class is declared, before any server starts", () => {
  const declare = () => {
    @WebSocketGateway("/rooms", { maxRoom: 5 } as never)
    class Rooms {}
    return Rooms;
  };
  expect(refusal(declare).message).toContain('unknown option "maxRoom" (did you mean "maxRooms"?)');
});

test("the bus drivers refuse an unknown name with their own option code, before connecting", () => {
  const redis = refusal(() => redisBus({ url: "redis://127.0.0.1:1", bufferSise: 10 } as never)) as BunwireError;
  expect([redis.code, redis.message]).toEqual(["REDIS_BUS_OPTIONS", 'redisBus got an unknown option "bufferSise" (did you mean "bufferSize"?)']);
  const nats = refusal(() => natsBus({ servers: "nats://127.0.0.1:1", prefx: "app." } as never)) as BunwireError;
  expect([nats.code, nats.message]).toEqual(["NATS_BUS_OPTIONS", 'natsBus got an unknown option "prefx" (did you mean "prefix"?)']);
});

test("connect() refuses an unknown name with the client's own INVALID_OPTIONS, before opening a socket", () => {
  const error = refusal(() => connect("ws://127.0.0.1:1/echo", { requestTimeOut: 500 } as never));
  expect(error).toBeInstanceOf(ClientError);
  expect([(error as ClientError).code, error.message]).toEqual(["INVALID_OPTIONS", 'connect(): unknown option "requestTimeOut" (did you mean "requestTimeout"?)']);
});

test("a name nothing resembles is refused without a guess", () => {
  expect(refusal(() => cors({ zzz: 1 } as never)).message).toBe('cors(): unknown option "zzz"');
});
