// `ws.data` in gateways is generic: `UpgradeDecision<Data>` types what `@OnUpgrade` admits with, handlers take
// `ServerWebSocket<Data>`, `@WebSocketGateway(path, { rooms })` infers `Data` from its callback, and an untyped
// `ServerWebSocket` keeps the loose record (so `ws.data.room = ...` compiles, as room chats write it).

import { afterEach, expect, test } from "bun:test";
import {
  Application,
  OnMessage,
  OnOpen,
  OnUpgrade,
  WebSocketGateway,
  type ServerWebSocket,
  type UpgradeDecision,
  type WebSocketConnectionData,
} from "../../src/gateway/index.ts";
import { connected } from "../router/support.ts";

interface ChatData extends WebSocketConnectionData {
  user: string;
}

@WebSocketGateway("/typed", { rooms: (ws: ServerWebSocket<ChatData>, topic) => topic.startsWith(ws.data.user) })
class TypedGateway {
  @OnUpgrade()
  admit(req: Request): UpgradeDecision<ChatData> {
    const user = req.headers.get("x-user");
    return user === null ? false : { data: { user } };
  }

  @OnOpen()
  open(ws: ServerWebSocket<ChatData>): void {
    const user: string = ws.data.user;
    ws.send(`hello ${user}`);
  }

  @OnMessage()
  message(ws: ServerWebSocket, text: string): void {
    // Untyped socket: the loose record.
    ws.data.room = text;
    ws.send(`room ${ws.data.room}`);
  }
}

// @ts-expect-error the data of an UpgradeDecision<ChatData> must be ChatData
export const wrong: UpgradeDecision<ChatData> = { data: { user: 42 } };

const apps: Application[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

test("@OnUpgrade's typed data is ws.data in the gateway's handlers", async () => {
  const app = new Application({ port: 0, globalRegistry: false, development: false }).registerGateway(TypedGateway);
  apps.push(app);
  app.listen({ quiet: true });
  const client = await connected(`ws://127.0.0.1:${app.port}/typed`, { headers: { "x-user": "ada" } });
  expect(await client.next()).toBe("hello ada");
  client.send("lobby");
  expect(await client.next()).toBe("room lobby");
  client.close();
});
