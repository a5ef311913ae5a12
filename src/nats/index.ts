// bunwire/nats: scale a bunwire app over several instances with NATS (see docs/SCALING.md). nats is an optional
// peer: without it this import fails with MISSING_PEER saying `npm install nats`.
export { natsBus, NatsBus } from "./bus.ts";
export type { NatsBusOptions } from "./bus.ts";
export { NatsBusError } from "./errors.ts";
export type {
  Bus, BusLogger, BusOptions, BusStats, ClusterFailure, ClusterReplies, ClusterReply, ClusterRequestContext, ClusterRequestHandler,
  ClusterRequestOptions, LocalCount,
} from "../bus/index.ts";
