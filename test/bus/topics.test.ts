// The engine side of the bus: one override on Bun's ServerWebSocket prototype instead of methods copied onto
// every socket, routed per socket to its own engine's bus; and whenSubscribed(ws, topic), which resolves only once
// the bus subscription is live. Real servers and clients; the bus records what the engine tells it.
import { afterEach, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import type { ServerWebSocket } from "bun";
import { whenSubscribed } from "../../src/engine/topics.ts";
import { TestSocket } from "../support/socket.ts";
import { RecordingBus } from "./recording-bus.ts";

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** An App whose sockets on /t/:topic subscribe to that topic, then say "ready"; "pub:<topic>" makes them publish. */
function serve(bus?: RecordingBus): { app: App; url: (topic: string) => string; sockets: ServerWebSocket<unknown>[] } {
  const app = bunwire(bus === undefined ? {} : { bus });
  const sockets: ServerWebSocket<unknown>[] = [];
  app.ws("/t/:topic", {
    open(ws) {
      sockets.push(ws);
      ws.subscribe(ws.data.params.topic!);
      ws.send("ready");
    },
    message(ws, message) {
      const text = String(message);
      if (text.startsWith("pub:")) ws.publish(text.slice(4), "from a socket");
      if (text.startsWith("unsub:")) ws.unsubscribe(text.slice(6));
    },
  });
  const server = app.listen(0, "127.0.0.1");
  stops.push(() => app.close());
  return { app, sockets, url: (topic) => `ws://127.0.0.1:${server.port}/t/${topic}` };
}

async function open(url: string): Promise<TestSocket> {
  const socket = await TestSocket.open(url);
  stops.push(() => socket.close());
  expect(await socket.next()).toBe("ready");
  return socket;
}

test("with a bus, nothing is copied onto sockets: subscribe, unsubscribe and publish reach the bus through one prototype override", async () => {
  const bus = new RecordingBus(true);
  const { url, sockets } = serve(bus);
  const client = await open(url("room"));
  const ws = sockets[0]!;
  for (const method of ["subscribe", "unsubscribe", "publish", "publishText", "publishBinary"]) expect(Object.hasOwn(ws, method)).toBe(false);
  expect(bus.subscribed).toEqual(["room"]);
  client.send("pub:room");
  client.send("unsub:room");
  client.send("pub:elsewhere");
  while (bus.published.length < 2) await Bun.sleep(5); // messages are handled asynchronously on the server
  expect(bus.published).toEqual([{ topic: "room", data: "from a socket" }, { topic: "elsewhere", data: "from a socket" }]);
  expect(bus.unsubscribed).toEqual(["room"]);
});

test("two apps in one process, each with its own bus: each socket's calls reach its own app's bus only", async () => {
  const [busA, busB] = [new RecordingBus(true), new RecordingBus(true)];
  const a = serve(busA);
  const b = serve(busB);
  const onA = await open(a.url("alpha"));
  await open(b.url("beta"));
  onA.send("pub:alpha");
  while (busA.published.length < 1) await Bun.sleep(5);
  expect(busA.subscribed).toEqual(["alpha"]);
  expect(busB.subscribed).toEqual(["beta"]);
  expect(busB.published).toEqual([]);
});

test("sockets of servers bunwire does not own keep Bun's own methods after the override is installed", async () => {
  const bus = new RecordingBus(true);
  const withBus = serve(bus);
  await open(withBus.url("installed")); // the override is on the prototype now
  const raw = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no")),
    websocket: {
      open(ws) {
        ws.subscribe("raw");
        ws.send(`subscribed ${ws.isSubscribed("raw")}`);
      },
      message(ws, message) {
        ws.publish("raw", message);
      },
    },
  });
  stops.push(() => raw.stop(true));
  const sender = new TestSocket(`ws://127.0.0.1:${raw.port}/`);
  const peer = new TestSocket(`ws://127.0.0.1:${raw.port}/`);
  stops.push(async () => (sender.close(), peer.close()));
  expect(await sender.next()).toBe("subscribed true");
  expect(await peer.next()).toBe("subscribed true");
  sender.send("native publish");
  expect(await peer.next()).toBe("native publish");
  expect(bus.published).toEqual([]); // nothing from the raw server went to bunwire's bus
});

test("whenSubscribed resolves only once the bus subscription is live, at once when it already is, and at once without a bus", async () => {
  const bus = new RecordingBus();
  const { sockets, url } = serve(bus);
  await open(url("news"));
  const ws = sockets[0]!;
  let live = false;
  const waiting = whenSubscribed(ws, "news").then(() => (live = true));
  await Bun.sleep(20); // give a wrongly early resolution its chance
  expect(live).toBe(false);
  bus.goLive("news");
  await waiting;
  expect(live).toBe(true);
  await whenSubscribed(ws, "news"); // already live
  await whenSubscribed(ws, "never-subscribed"); // nothing to wait for

  // A second socket on a topic already live does not wait; without a bus nothing ever waits.
  await open(url("news"));
  await whenSubscribed(sockets[1]!, "news");
  const plain = serve();
  await open(plain.url("local"));
  await whenSubscribed(plain.sockets[0]!, "local");
});
