// The typed-message contract through the App front door: `app.ws(path, chat.handle(...))` on `bunwire()`, with
// the App itself as the publish target.

import { bunwire } from "../../src/index.ts";
import { handlersMount, protocolContract } from "./contract.ts";

protocolContract(
  "bunwire() App",
  handlersMount((websocket) => {
    const app = bunwire();
    // The App's `ws.data` is its own ({ params, req, ... }); the chat handlers only read an optional name.
    app.ws("/chat/:room", websocket as never);
    const server = app.listen(0);
    return { url: `ws://127.0.0.1:${server.port}/chat/lobby`, target: app, stop: () => app.close() };
  }),
);
