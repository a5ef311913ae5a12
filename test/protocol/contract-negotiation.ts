// The handshake half of the protocol contract (see contract.ts): every front door answers the codec on the 101
// from what the client offers and what the route accepts (issue 17, defect 1). JSON always; MessagePack unless
// `msgpack: false`; versioned names first, the first wire's names still understood; an offer of only refused
// codecs is a 400 naming the supported ones, so a MessagePack frame never reaches a route that refuses it.

import { describe, expect, test } from "bun:test";
import { connect, type Client } from "../../src/client/index.ts";
import { msgpack } from "../../src/client/msgpack/index.ts";
import { rawHandshake, upgradeAttempt } from "../support/socket.ts";
import type { Mount, Mounted } from "./contract.ts";
import type { chat } from "./fixture.ts";

const chosen = async (url: string, offer?: string) => (await rawHandshake(url, offer === undefined ? {} : { "Sec-WebSocket-Protocol": offer })).header("sec-websocket-protocol");

export function negotiationContract(mount: Mount, main: () => Mounted): void {
  describe("subprotocol negotiation", () => {
    test("the server's preference among the offers: MessagePack, then JSON, versioned names first", async () => {
      const url = main().url;
      expect(await chosen(url, "bunwire.v1.json, bunwire.v1.msgpack")).toBe("bunwire.v1.msgpack");
      expect(await chosen(url, "bunwire.json, bunwire.v1.json")).toBe("bunwire.v1.json");
      // A client of the first wire still gets a name it knows.
      expect(await chosen(url, "bunwire.msgpack, bunwire.json")).toBe("bunwire.msgpack");
      expect(await chosen(url)).toBeUndefined();
    });

    test("the client takes MessagePack when the route accepts it", async () => {
      const client = connect<typeof chat>(main().url, { codec: msgpack, heartbeat: false, reconnect: false });
      try {
        await client.whenOpen();
        expect(client.subprotocol).toBe("bunwire.v1.msgpack");
        expect(await client.request("add", { a: 40, b: 2 })).toBe(42);
      } finally {
        client.close();
      }
    });

    test("msgpack: false: a MessagePack client negotiates JSON and its requests work; a MessagePack-only offer is a 400", async () => {
      const jsonOnly = await mount({ msgpack: false });
      let client: Client<typeof chat> | undefined;
      try {
        expect(await chosen(jsonOnly.url, "bunwire.v1.msgpack, bunwire.v1.json, bunwire.msgpack, bunwire.json")).toBe("bunwire.v1.json");
        expect(await chosen(jsonOnly.url, "bunwire.msgpack, bunwire.json")).toBe("bunwire.json");
        const refused = await upgradeAttempt(jsonOnly.url, { "Sec-WebSocket-Protocol": "bunwire.v1.msgpack, bunwire.msgpack" });
        expect(refused.status).toBe(400);
        const body = await refused.text();
        expect(body).toStartWith("UNSUPPORTED_SUBPROTOCOL");
        expect(body).toContain("bunwire.v1.json, bunwire.json");
        client = connect<typeof chat>(jsonOnly.url, { codec: msgpack, heartbeat: false, reconnect: false });
        await client.whenOpen();
        expect(client.subprotocol).toBe("bunwire.v1.json");
        // Before negotiation this client picked MessagePack and its request came back UNSUPPORTED_CODEC.
        expect(await client.request("add", { a: 1, b: 2 })).toBe(3);
      } finally {
        client?.close();
        await jsonOnly.stop();
      }
    });
  });
}
