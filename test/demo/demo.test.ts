// The `npm start` demo, driven by bunwire/client from Bun: rooms, presence notices, acknowledged messages that
// reach the others, typing notices, and a name check before the upgrade.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type Client } from "bunwire/client";
import type { App } from "bunwire";
import { createDemo } from "../../demo/app.ts";
import type { chat } from "../../demo/protocol.ts";
import { upgradeAttempt } from "../support/socket.ts";

let app: App;
let base = "";
const clients: Client<typeof chat>[] = [];
beforeAll(async () => {
  app = await createDemo();
  base = `127.0.0.1:${app.listen(0, "127.0.0.1").port}`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

function join(room: string, name: string): Client<typeof chat> {
  const client = connect<typeof chat>(`ws://${base}/chat/${room}?name=${encodeURIComponent(name)}`, { reconnect: false });
  clients.push(client);
  return client;
}
function nextEvent<E extends "said" | "joined" | "left" | "typing">(client: Client<typeof chat>, event: E): Promise<unknown> {
  return new Promise((resolve) => {
    const off = client.on(event, (data) => {
      off();
      resolve(data);
    });
  });
}

test("the page and the client bundle are served", async () => {
  const page = await fetch(`http://${base}/`);
  expect(page.headers.get("content-type")).toContain("text/html");
  expect(await page.text()).toContain('import { connect } from "/client.js"');
  const bundle = await fetch(`http://${base}/client.js`);
  expect(bundle.headers.get("content-type")).toContain("javascript");
  expect((await bundle.text()).length).toBeGreaterThan(1000);
});

test("two people in a room: join notices with presence, acked messages reach the other, typing shows", async () => {
  const ada = join("lobby", "Ada");
  const adaSeesBob = nextEvent(ada, "joined");
  await ada.whenOpen();
  const bob = join("lobby", "Bob");
  expect(await adaSeesBob).toEqual({ name: "Ada", present: ["Ada"] });
  expect(await nextEvent(ada, "joined")).toEqual({ name: "Bob", present: ["Ada", "Bob"] });
  await bob.whenOpen();

  const bobHears = nextEvent(bob, "said");
  const ack = await ada.request("say", { text: "  hello Bob  " }, { timeout: 2000 });
  expect(ack).toEqual({ id: expect.stringMatching(/^m\d+$/), at: expect.any(Number) });
  expect(await bobHears).toEqual({ id: ack.id, from: "Ada", text: "hello Bob", at: ack.at });

  const typing = nextEvent(ada, "typing");
  bob.emit("typing", { typing: true });
  expect(await typing).toEqual({ from: "Bob", typing: true });

  const adaSeesLeave = nextEvent(ada, "left");
  bob.close();
  expect(await adaSeesLeave).toEqual({ name: "Bob", present: ["Ada"] });
});

test("rooms are separate", async () => {
  const inBun = join("bun", "Cy");
  const inRandom = join("random", "Di");
  await Promise.all([inBun.whenOpen(), inRandom.whenOpen()]);
  let leaked = false;
  inRandom.on("said", () => (leaked = true));
  await inBun.request("say", { text: "only for #bun" });
  await inRandom.request("say", { text: "probe" });
  expect(leaked).toBe(false);
});

test("an empty message is refused with a validation error; a bad name is refused before the upgrade", async () => {
  const eve = join("lobby", "Eve");
  await eve.whenOpen();
  await expect(eve.request("say", { text: "   " })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  const refused = await upgradeAttempt(`ws://${base}/chat/lobby?name=${"x".repeat(40)}`);
  expect(refused.status).toBe(400);
  expect((await refused.json()).error).toContain("name");
});
