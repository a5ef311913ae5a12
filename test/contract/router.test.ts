// The engine contract through the Router front door: `router.websocket({ ...handlers, ...options })` + serve().
import { Router } from "bunwire/router";
import { engineContract } from "./engine-contract.ts";

engineContract("Router", (handlers, options) => {
  const errors: unknown[] = [];
  const router = new Router({ onError: (error) => void errors.push(error) });
  router.websocket({ ...handlers, ...options.websocket });
  const server = router.serve({ port: 0, hostname: "127.0.0.1" });
  return {
    url: `ws://127.0.0.1:${server.port}/contract/1`,
    publish: (topic, data) => router.publish(topic, data),
    subscriberCount: (topic) => router.subscriberCount(topic),
    errors,
    stop: () => router.close(),
  };
});
