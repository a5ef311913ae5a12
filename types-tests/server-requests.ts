// Compile-time checks of server requests (issue 14, item 1): the server's `request` takes only server events
// declared in `replies` and resolves with the reply schema's OUTPUT; the client's `onRequest` handler receives the
// event's payload and must return the reply schema's INPUT. Declared once, checked on both ends.

import { z } from "zod";
import { defineProtocol as defineShared, connect } from "bunwire/client";
import { serverProtocol, ServerRequestError, type ServerRequestErrorCode } from "bunwire";

const pay = defineShared({
  name: "pay",
  client: { checkout: z.object({ amount: z.number() }) },
  server: {
    confirm: z.object({ amount: z.number() }),
    draft: z.object({}),
    notice: z.string(),
  },
  replies: {
    confirm: z.object({ ok: z.boolean() }),
    // The reply's output differs from its input: the server sees the transformed value.
    draft: z.string().transform((text) => text.length),
  },
});
const payServer = serverProtocol(pay);

payServer.handle<{ user: string }>({
  async checkout(ws, { amount }) {
    const reply = await payServer.request(ws, "confirm", { amount }, { timeout: 5000 });
    const ok: boolean = reply.ok;
    const length: number = await payServer.request(ws, "draft", {});
    // @ts-expect-error the reply of "confirm" is { ok: boolean }
    const wrong: string = reply.ok;
    // @ts-expect-error "notice" is a server event without a reply schema: it cannot be requested
    await payServer.request(ws, "notice", "hi");
    // @ts-expect-error wrong payload for "confirm"
    await payServer.request(ws, "confirm", { amount: "5" });
    // @ts-expect-error "checkout" is a client event
    await payServer.request(ws, "checkout", { amount: 1 });
    void ok, length, wrong;
    return ok;
  },
});

async function failures(ws: Parameters<typeof payServer.emit>[0]): Promise<void> {
  try {
    await payServer.request(ws, "confirm", { amount: 1 });
  } catch (error) {
    if (error instanceof ServerRequestError) {
      const code: ServerRequestErrorCode | (string & {}) = error.code;
      const event: string = error.event;
      void code, event;
    }
  }
}
void failures;

const client = connect<typeof pay>("ws://localhost:3000/pay");
client.onRequest("confirm", ({ amount }) => ({ ok: amount < 100 }));
client.onRequest("confirm", async () => ({ ok: true }));
client.onRequest("draft", () => "the text so far");
// @ts-expect-error the reply of "confirm" must be { ok: boolean }
client.onRequest("confirm", () => ({ ok: "yes" }));
// @ts-expect-error "notice" is not a server request
client.onRequest("notice", () => null);
// @ts-expect-error the payload of "confirm" has no "currency"
client.onRequest("confirm", ({ currency }) => ({ ok: currency === "EUR" }));
const off: () => void = client.onRequest("draft", () => "");
off();

// @ts-expect-error replies may only name server events (checked at run time too: INVALID_PROTOCOL)
defineShared({ client: {}, server: { a: z.string() }, replies: { b: z.string() } }).replies.b;
