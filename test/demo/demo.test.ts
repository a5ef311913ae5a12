// The `npm start` demo, driven by bunwire/client from Bun: rooms, presence by person (a tab's id and name),
// acknowledged messages that reach the others with their sender's id, typing notices, the favicon, and a name and
// id check before the upgrade.
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
  base = `127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

let tabs = 0;
/** A tab: its own random id, as the page keeps in sessionStorage. */
function join(room: string, name: string, id = `${(++tabs).toString(16).padStart(8, "0")}cafe`): Client<typeof chat> {
  const client = connect<typeof chat>(`ws://${base}/chat/${room}?name=${encodeURIComponent(name)}&id=${id}`, { reconnect: false });
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

test("the page, the client bundle and the favicon are served (/favicon.ico too: no 404)", async () => {
  const page = await fetch(`http://${base}/`);
  expect(page.headers.get("content-type")).toContain("text/html");
  const html = await page.text();
  expect(html).toContain('import { connect } from "/client.js"');
  expect(html).toContain('<link rel="icon" href="/favicon.svg"');
  expect(html).not.toContain("prompt(");
  const bundle = await fetch(`http://${base}/client.js`);
  expect(bundle.headers.get("content-type")).toContain("javascript");
  expect((await bundle.text()).length).toBeGreaterThan(1000);
  for (const icon of ["/favicon.svg", "/favicon.ico"]) {
    const response = await fetch(`http://${base}${icon}`);
    expect({ icon, status: response.status, type: response.headers.get("content-type") }).toEqual({ icon, status: 200, type: "image/svg+xml" });
    expect(await response.text()).toStartWith("<svg");
  }
});

test("two people in a room: join notices with presence, acked messages reach the other, typing shows", async () => {
  const ada = join("lobby", "Ada", "0000000000000ada");
  const adaSeesBob = nextEvent(ada, "joined");
  await ada.whenOpen();
  const bob = join("lobby", "Bob", "0000000000000b0b");
  const adaPerson = { id: "0000000000000ada", name: "Ada" };
  const bobPerson = { id: "0000000000000b0b", name: "Bob" };
  expect(await adaSeesBob).toEqual({ person: adaPerson, present: [adaPerson] });
  expect(await nextEvent(ada, "joined")).toEqual({ person: bobPerson, present: [adaPerson, bobPerson] });
  await bob.whenOpen();

  const bobHears = nextEvent(bob, "said");
  const ack = await ada.request("say", { text: "  hello Bob  " }, { timeout: 2000 });
  expect(ack).toEqual({ id: expect.stringMatching(/^m\d+$/), at: expect.any(Number) });
  expect(await bobHears).toEqual({ id: ack.id, from: "Ada", by: adaPerson.id, text: "hello Bob", at: ack.at });

  const typing = nextEvent(ada, "typing");
  bob.emit("typing", { typing: true });
  expect(await typing).toEqual({ from: "Bob", by: bobPerson.id, typing: true });

  const adaSeesLeave = nextEvent(ada, "left");
  bob.close();
  expect(await adaSeesLeave).toEqual({ person: bobPerson, present: [adaPerson] });
});

test("two tabs with one name are two people; one tab's second socket is still one person", async () => {
  const first = join("names", "Sam", "00000000000000a1");
  await nextEvent(first, "joined");
  const second = join("names", "Sam", "00000000000000a2");
  const both = [{ id: "00000000000000a1", name: "Sam" }, { id: "00000000000000a2", name: "Sam" }];
  expect(await nextEvent(first, "joined")).toEqual({ person: both[1], present: both });
  // A reload opens the new socket before the old one closes: the same id twice is one entry, and stays after one closes.
  const again = join("names", "Sam", "00000000000000a2");
  expect(await nextEvent(first, "joined")).toEqual({ person: both[1], present: both });
  await again.whenOpen();
  const left = nextEvent(first, "left");
  second.close();
  expect(await left).toEqual({ person: both[1], present: both });
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

test("an empty message is refused with a validation error; a bad name or tab id is refused before the upgrade", async () => {
  const eve = join("lobby", "Eve");
  await eve.whenOpen();
  await expect(eve.request("say", { text: "   " })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  const badName = await upgradeAttempt(`ws://${base}/chat/lobby?name=${"x".repeat(40)}&id=0123456789abcdef`);
  expect(badName.status).toBe(400);
  expect((await badName.json()).error).toContain("name");
  for (const id of ["", "short", "NOT-HEX-0123456789"]) {
    const badId = await upgradeAttempt(`ws://${base}/chat/lobby?name=Eve&id=${id}`);
    expect({ id, status: badId.status }).toEqual({ id, status: 400 });
    expect((await badId.json()).error).toContain("id");
  }
});
