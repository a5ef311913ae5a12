// Server requests in the protocol contract (see contract.ts): the server sends a declared server event as a request
// and awaits the client's reply, validated by its schema, with a timeout (issue 14, item 1). Through every front door,
// in JSON and in MessagePack, with the real client answering through `onRequest`.

import { afterEach, describe, expect, test } from "bun:test";
import { BunwireError } from "../../src/engine/errors.ts";
import { connect, type Client, type ClientCodec } from "../../src/client/index.ts";
import { msgpack } from "../../src/client/msgpack/index.ts";
import { ServerRequestError } from "../../src/protocol/index.ts";
import type { Mounted } from "./contract.ts";
import { chat, checkouts, registered } from "./fixture.ts";

let registrations = 0;

/** Resolves with the next outcome a `checkout` handler records. */
async function nextCheckout(seen: number): Promise<string> {
  while (checkouts.length <= seen) await Bun.sleep(5); // the outcome is server-side state; no event to await
  return checkouts[seen]!;
}

export function serverRequestContract(main: () => Mounted): void {
  for (const [codecName, codec] of [["JSON", undefined], ["MessagePack", msgpack]] as Array<[string, ClientCodec | undefined]>) {
    describe(`server requests (${codecName})`, () => {
      const clients: Client<typeof chat>[] = [];
      afterEach(() => {
        for (const client of clients.splice(0)) client.close();
      });

      /** A connected client whose socket the server knows as `registered.get(name)`. */
      async function registeredClient(): Promise<{ client: Client<typeof chat>; name: string }> {
        const client = connect<typeof chat>(main().url, { codec, heartbeat: false, reconnect: false });
        clients.push(client);
        const name = `client-${++registrations}`;
        expect(await client.request("register", { as: name })).toBe(true);
        return { client, name };
      }

      test("a handler awaiting a server request gets the client's validated reply (the reply does not queue behind it)", async () => {
        const { client } = await registeredClient();
        client.onRequest("confirm", ({ amount }) => ({ ok: amount < 100 }));
        expect(await client.request("checkout", { amount: 5 })).toEqual({ confirmed: true });
        client.onRequest("confirm", async ({ amount }) => ({ ok: amount < 100 }));
        expect(await client.request("checkout", { amount: 500 })).toEqual({ confirmed: false });
      });

      test("request() from anywhere resolves with the reply's schema output", async () => {
        const { client, name } = await registeredClient();
        client.onRequest("confirm", ({ amount }) => ({ ok: amount === 7 }));
        expect(await chat.request(registered.get(name)!, "confirm", { amount: 7 })).toEqual({ ok: true });
      });

      test("a reply its schema refuses: INVALID_REPLY with the issues", async () => {
        const { client, name } = await registeredClient();
        client.onRequest("confirm", () => ({ ok: "yes" }) as never);
        const error = await chat.request(registered.get(name)!, "confirm", { amount: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ServerRequestError);
        expect(error).toMatchObject({ code: "INVALID_REPLY", event: "confirm" });
        expect((error as ServerRequestError).issues?.[0]?.path).toEqual(["ok"]);
      });

      test("no reply in time: REPLY_TIMEOUT; a late reply is ignored", async () => {
        const { client, name } = await registeredClient();
        let answer: (value: { ok: boolean }) => void = () => {};
        client.onRequest("confirm", () => new Promise((resolve) => (answer = resolve)));
        const error = await chat.request(registered.get(name)!, "confirm", { amount: 1 }, { timeout: 30 }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "REPLY_TIMEOUT", event: "confirm" });
        answer({ ok: true });
        client.onRequest("confirm", () => ({ ok: true }));
        expect(await chat.request(registered.get(name)!, "confirm", { amount: 1 })).toEqual({ ok: true });
      });

      test("the client's errors: NO_HANDLER, HANDLER_ERROR for a plain throw, a BunwireError's own code", async () => {
        const { client, name } = await registeredClient();
        const ws = registered.get(name)!;
        expect(await chat.request(ws, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "NO_HANDLER" });
        client.onRequest("confirm", () => {
          throw new Error("internal");
        });
        expect(await chat.request(ws, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "HANDLER_ERROR" });
        const off = client.onRequest("confirm", async () => {
          throw new BunwireError("DECLINED", "the user said no");
        });
        expect(await chat.request(ws, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "DECLINED", message: "the user said no" });
        off();
        expect(await chat.request(ws, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "NO_HANDLER" });
      });

      test("a disconnect fails the request at once with DISCONNECTED, also inside a running handler", async () => {
        const { client, name } = await registeredClient();
        let asked = 0;
        let bothAsked: () => void = () => {};
        const both = new Promise<void>((resolve) => (bothAsked = resolve));
        client.onRequest("confirm", () => {
          if (++asked === 2) bothAsked();
          return new Promise(() => {});
        });
        const direct = chat.request(registered.get(name)!, "confirm", { amount: 1 }, { timeout: 60_000 }).catch((e: unknown) => e);
        const seen = checkouts.length;
        // The checkout handler awaits with a 20 s timeout: only the close can end it within the test's time.
        void client.request("checkout", { amount: 1 }).catch(() => {});
        await both;
        client.close();
        expect(await direct).toMatchObject({ code: "DISCONNECTED", event: "confirm" });
        expect(await nextCheckout(seen)).toBe("DISCONNECTED");
        expect(await chat.request(registered.get(name)!, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "DISCONNECTED" });
      });

      test("a socket that is not one of the protocol's, or an event not declared in replies: NOT_SERVED, never a throw", async () => {
        const { name } = await registeredClient();
        expect(await chat.request(null as never, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "NOT_SERVED" });
        expect(await chat.request({} as never, "confirm", { amount: 1 }).catch((e: unknown) => e)).toMatchObject({ code: "NOT_SERVED" });
        expect(await chat.request(registered.get(name)!, "said" as never, { from: "a", text: "b" } as never).catch((e: unknown) => e)).toMatchObject({ code: "NOT_SERVED" });
      });

      test("an AbortSignal stops waiting: ABORTED", async () => {
        const { client, name } = await registeredClient();
        client.onRequest("confirm", () => new Promise(() => {}));
        const controller = new AbortController();
        const pending = chat.request(registered.get(name)!, "confirm", { amount: 1 }, { signal: controller.signal }).catch((e: unknown) => e);
        controller.abort();
        expect(await pending).toMatchObject({ code: "ABORTED" });
      });
    });
  }
}
