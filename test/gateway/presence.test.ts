// Gateways take every typed-message setting `protocol.handle()` takes (GatewayOptions is derived from its options),
// presence included: a client follows a room served by a gateway with `client.presence(room)` exactly as it would
// one served by `handle()`, and the compiler keeps the two option sets equal.

import { afterEach, expect, test } from "bun:test";
import { memoryPresence, type HandleOptions } from "bunwire";
import { connect, type Client } from "bunwire/client";
import { Application, OnUpgrade, SubscribeMessage, WebSocketGateway, type GatewayOptions } from "bunwire/gateway";
import { lobby } from "../cluster/presence-contract.ts";
import { until } from "../support/socket.ts";

// Type-level parity: every option of handle() but its lifecycle callbacks (a gateway declares those with
// @OnOpen/@OnClose and reports errors through onError) is a gateway option, and the gateway adds only `protocol`.
type Lifecycle = "onError" | "open" | "close";
type OnlyInHandle = Exclude<keyof HandleOptions<unknown>, keyof GatewayOptions | Lifecycle>;
type OnlyInGateway = Exclude<keyof GatewayOptions, keyof HandleOptions<unknown> | "protocol">;
const parity: [OnlyInHandle, OnlyInGateway] extends [never, never] ? true : false = true;

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

test("the gateway option set equals handle()'s settings plus protocol", () => {
  expect(parity).toBe(true);
});

test("client.presence(room) through a gateway: the snapshot, then joins and leaves of users admitted by @OnUpgrade", async () => {
  const store = memoryPresence();

  @WebSocketGateway("/rooms", { protocol: lobby, rooms: true, presence: { store, meta: (ws) => ({ via: String(ws.data.via) }) } })
  class Rooms {
    @OnUpgrade()
    admit(req: Request) {
      const user = new URL(req.url).searchParams.get("user");
      return user === null ? false : { user: { id: user }, data: { via: "gateway" } };
    }

    @SubscribeMessage("hello")
    hello() {
      return true;
    }
  }

  const app = new Application({ globalRegistry: false, development: false });
  app.registerGateway(Rooms);
  const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port;
  cleanup.push(() => app.close({ timeout: 1000 }));
  const open = async (user: string): Promise<Client<typeof lobby>> => {
    const client = connect<typeof lobby>(`ws://127.0.0.1:${port}/rooms?user=${user}`, { reconnect: false });
    cleanup.push(() => client.close());
    await client.whenOpen();
    return client;
  };

  const ada = await open("ada");
  await ada.join("hall");
  const bob = await open("bob");
  const hall = bob.presence("hall");
  await hall.ready;
  expect([...hall.members.entries()]).toEqual([["ada", { via: "gateway" }]]);

  await bob.join("hall");
  await until(() => hall.members.has("bob"), 2000, "bob in the hall");
  ada.close();
  await until(() => !hall.members.has("ada"), 2000, "ada gone from the hall");
  expect([...hall.members.keys()]).toEqual(["bob"]);
});
