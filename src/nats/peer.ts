// nats is an optional peer of bunwire: loaded at run time so that importing `bunwire/nats` without it fails
// with MISSING_PEER (`npm install nats`) instead of a resolver error before any bunwire code runs.

import type * as Nats from "nats";
import { loadPeer } from "../bus/peer.ts";

export const nats = await loadPeer<typeof Nats>("nats", "bunwire/nats");

export type { NatsConnection, Subscription } from "nats";
