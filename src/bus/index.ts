// The bus core every driver (`bunwire/redis`, `bunwire/nats`) is built on: the contract the engine speaks, the
// frame format, the outage buffer, membership and the cluster request primitive. Not a user-facing subpath:
// drivers re-export what users need.
export type {
  Bus, BusDeliver, BusPayload, BusStateListener, BusStats, ClusterFailure, ClusterReplies, ClusterReply, ClusterRequestContext,
  ClusterRequestHandler, ClusterRequestOptions, LocalCount,
} from "./contract.ts";
export { answerSubscriberCounts, clusterSubscriberCount, COUNT_REQUEST } from "./cluster-count.ts";
export { consoleBusLogger, OutageBuffer } from "./outage.ts";
export type { BusLogger } from "./outage.ts";
export { loadPeer } from "./peer.ts";
export { BusCounters } from "./stats.ts";
export { TransportBus } from "./transport-bus.ts";
export type { BusOptions } from "./options.ts";
export type { Transport, TransportEvents } from "./transport.ts";
export { newInstanceId } from "./frame.ts";
