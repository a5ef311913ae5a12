// The server on a free port and two typed clients: one says something, gets the server's acknowledgement, and the
// other hears it. `npm test` runs this after type-checking everything (tsc --noEmit).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { App } from "bunwire";
import { connect } from "bunwire/client";
import { createApp } from "../src/app.ts";
import type { chat } from "../src/protocol.ts";

let app: App;
let host = "";

beforeAll(async () => {
  app = await createApp();
  host = `127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`;
});
afterAll(() => app.close());

test("the page and its script are served", async () => {
  expect(await (await fetch(`http://${host}/`)).text()).toContain('<script type="module" src="/page.js">');
  const script = await fetch(`http://${host}/page.js`);
  expect(script.headers.get("content-type")).toContain("javascript");
});

test("a typed client says something: the server acknowledges it, the others hear it", async () => {
  const ada = connect<typeof chat>(`ws://${host}/chat?name=Ada`, { reconnect: false });
  const bob = connect<typeof chat>(`ws://${host}/chat?name=Bob`, { reconnect: false });
  await Promise.all([ada.whenOpen(), bob.whenOpen()]);
  const heard = new Promise((resolve) => bob.on("said", resolve));

  const ack = await ada.request("say", { text: "  hello  " }, { timeout: 5000 });
  expect(ack.at).toBeNumber();
  expect(await heard).toEqual({ from: "Ada", text: "hello", at: ack.at });

  await expect(ada.request("say", { text: " " })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  ada.close();
  bob.close();
});
