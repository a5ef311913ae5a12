// The engine contract through the App front door: `app.ws(path, handlers)` on `bunwire({ websocket })`.
import { engineContract } from "./engine-contract.ts";
import { bunwire } from "bunwire";

engineContract("bunwire() App", (handlers, options) => {
  const errors: unknown[] = [];
  const app = bunwire({ websocket: options.websocket });
  app.onError((error) => errors.push(error));
  app.ws("/contract/:id", handlers);
  const server = app.listen(0, "127.0.0.1");
  return {
    url: `ws://127.0.0.1:${server.port}/contract/1`,
    publish: (topic, data) => app.publish(topic, data),
    subscriberCount: (topic) => app.subscriberCount(topic),
    errors,
    stop: () => app.close(),
  };
});
