// The typed-message contract through the Router: `router.websocket(chat.handle(...))`, with the route-first
// upgrade giving each connection its name.

import { handlersMount, protocolContract } from "../protocol/contract.ts";
import type { ChatData } from "../protocol/fixture.ts";
import { Router } from "../../src/router/index.ts";

let names = 0;

protocolContract(
  "Router",
  handlersMount((websocket) => {
    const router = new Router<ChatData>();
    router.get("/chat", (req) => {
      router.upgrade(req, { data: { name: `user${++names}` } });
      return new Response("connect with Upgrade: websocket");
    });
    router.websocket(websocket);
    const server = router.serve({ port: 0, hostname: "127.0.0.1" });
    return { url: `ws://127.0.0.1:${server.port}/chat`, target: server, stop: () => router.close() };
  }),
);
