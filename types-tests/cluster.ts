// Types of cluster operations and presence, type-checked (never run): `tsc --noEmit` in `npm test` fails if they drift.

import { bunwire, memoryPresence, sendToUser, serverProtocol, type ClusterConnection, type CountResult, type PresenceStore } from "bunwire";
import { defineProtocol, connect, type PresenceChange, type RoomPresence } from "bunwire/client";
import { redisPresence } from "bunwire/redis";
import { Router } from "bunwire/router";
import { Application } from "bunwire/gateway";
import { z } from "zod";

const app = bunwire();
const listed: Promise<ClusterConnection[]> = app.cluster.connections({ topic: "room", user: "ada" }, { timeoutMs: 500, limit: 10 }).then((r) => r.connections);
const joined: Promise<CountResult> = app.cluster.join({ user: "ada" }, ["a", "b"]);
// @ts-expect-error: the filter keys are topic, user, id, route
void app.cluster.connections({ users: "ada" });
// @ts-expect-error: a close code is a number
void app.cluster.disconnect({ user: "ada" }, { code: "4001" });
const reply = app.cluster.emit<{ ok: boolean }>("reload", { v: 1 }).then((r) => r.replies.map((x) => x.data.ok satisfies boolean));
app.cluster.on("reload", (data, { from }) => ({ data, from }));
const routerCluster: typeof app.cluster = new Router().cluster;
const gatewayCluster: typeof app.cluster = new Application().cluster;
sendToUser(app, "ada", { any: "json" });

const lobby = defineProtocol({ name: "lobby", client: { wave: z.object({}) }, server: {} });
const stores: PresenceStore[] = [memoryPresence(), redisPresence({ url: "redis://127.0.0.1:6379" }), redisPresence({ cluster: ["redis://10.0.0.1:6379"] })];
app.ws("/lobby", serverProtocol(lobby).handle({ wave() {} }, { rooms: true, presence: { store: stores[0]!, follow: (_ws, room) => room !== "x", meta: () => ({ n: 1 }) } }));
// @ts-expect-error: presence needs a store
app.ws("/bad", serverProtocol(lobby).handle({ wave() {} }, { presence: {} }));

const client = connect<typeof lobby>("ws://localhost:3000/lobby");
const room: RoomPresence = client.presence("lobby");
room.on((change: PresenceChange) => {
  if (change.type !== "sync") console.log(change.id satisfies string, change.meta);
});
export { listed, joined, reply, routerCluster, gatewayCluster };
