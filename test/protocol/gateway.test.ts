// The typed-message contract through gateways: `@SubscribeMessage` methods compiled into the protocol's one
// dispatcher, with `@WebSocketGateway(path, { protocol, ...options })`, schemas taken from the protocol, and the
// gateway Application as the publish target.

import { Application, OnClose, OnError, OnOpen, OnUpgrade, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "../../src/gateway/index.ts";
import type { HandleOptions } from "../../src/protocol/index.ts";
import { protocolContract } from "./contract.ts";
import { expect, test } from "bun:test";
import { chat, chatHandlers, Probe, type ChatData } from "./fixture.ts";

let names = 0;

/** A gateway class per mount: decorators take their options when the class is defined. */
function chatGateway(options: HandleOptions<ChatData>) {
  const handlers = chatHandlers();
  const { onError, open, close, ...settings } = options;

  @WebSocketGateway("/chat", { protocol: chat, ...(settings as object) })
  class ChatGateway {
    @OnUpgrade() upgrade() {
      return { data: { name: `user${++names}` } };
    }
    @OnOpen() opened(ws: ServerWebSocket<ChatData>) {
      return open?.(ws);
    }
    @OnClose() closed(ws: ServerWebSocket<ChatData>, code: number, reason: string) {
      return close?.(ws, code, reason);
    }
    @OnError() failed(ws: ServerWebSocket<ChatData>, error: unknown) {
      onError?.(ws, error, "");
    }

    // No schema here: each method validates with the protocol's schema for its event.
    @SubscribeMessage("say") say(ws: ServerWebSocket<ChatData>, data: { text: string }) {
      return handlers.say(ws, data);
    }
    @SubscribeMessage("add") add(ws: ServerWebSocket<ChatData>, data: { a: number; b: number }) {
      return handlers.add(ws, data);
    }
    @SubscribeMessage("boom") boom() {
      return handlers.boom();
    }
    @SubscribeMessage("refuse") refuse() {
      return handlers.refuse();
    }
    @SubscribeMessage("slow") slow(ws: ServerWebSocket<ChatData>, data: { ms: number }) {
      return handlers.slow(ws, data);
    }
    @SubscribeMessage("shout") shout(ws: ServerWebSocket<ChatData>, data: { room: string; text: string }) {
      return handlers.shout(ws, data);
    }
    @SubscribeMessage("checkout") checkout(ws: ServerWebSocket<ChatData>, data: { amount: number; timeout?: number }) {
      return handlers.checkout(ws, data);
    }
    @SubscribeMessage("tally") tally() {
      return handlers.tally();
    }
    @SubscribeMessage("register") register(ws: ServerWebSocket<ChatData>, data: { as: string }) {
      return handlers.register(ws, data);
    }
    @SubscribeMessage("inspect") inspect(ws: ServerWebSocket<ChatData>, data: Record<string, unknown>) {
      return handlers.inspect(ws, data);
    }
  }
  return ChatGateway;
}

protocolContract("gateway @SubscribeMessage", (options) => {
  const app = new Application({ port: 0, globalRegistry: false }).registerGateway(chatGateway(options));
  app.listen();
  return { url: `ws://127.0.0.1:${app.port}/chat`, target: app, stop: () => app.close() };
});

test("a gateway with broadcastTopic: false joins no broadcast topic, and broadcast through it throws BROADCAST_OFF", async () => {
  const app = new Application({ port: 0, globalRegistry: false }).registerGateway(chatGateway({ broadcastTopic: false }));
  app.listen();
  const probe = new Probe(`ws://127.0.0.1:${app.port}/chat`);
  try {
    await probe.opened;
    expect(await probe.ask({ event: "add", data: { a: 1, b: 2 }, id: 1 })).toEqual({ id: 1, ack: 3 });
    expect(app.server!.subscriberCount("$broadcast:chat")).toBe(0);
    expect(() => chat.broadcast(app, "said", { from: "x", text: "all" })).toThrow("broadcastTopic: false");
  } finally {
    probe.ws.close();
    await app.close();
  }
});
