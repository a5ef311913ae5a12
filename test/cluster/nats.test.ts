// Cluster operations (test/cluster/contract.ts) over NATS: one real nats-server.
import { afterAll, beforeAll } from "bun:test";
import { natsBus } from "bunwire/nats";
import { NatsServer } from "../nats/nats-server.ts";
import { clusterContract } from "./contract.ts";

let nats: NatsServer;
beforeAll(async () => {
  nats = await NatsServer.start();
});
afterAll(async () => {
  await nats.kill();
});

clusterContract("natsBus", () => ({
  bus: (options) => natsBus({ servers: nats.url, ...options }),
  processArgs: () => ["nats", nats.url],
}));
