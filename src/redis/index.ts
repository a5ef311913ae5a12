// bunwire/redis: scale a bunwire app over several instances with Redis (see docs/SCALING.md). ioredis is an
// optional peer: without it this import fails with MISSING_PEER saying `npm install ioredis`.
export { redisBus, redisClusterBus, RedisBus } from "./bus.ts";
export type { RedisBusOptions } from "./bus.ts";
export type { PublishClient } from "./transport.ts";
export type { ReconnectOptions } from "./retry.ts";
export type { RedisClientLike } from "./peer.ts";
export type {
  Bus, BusLogger, BusOptions, BusStats, ClusterFailure, ClusterReplies, ClusterReply, ClusterRequestContext, ClusterRequestHandler,
  ClusterRequestOptions, LocalCount,
} from "../bus/index.ts";
export { RedisBusError } from "./errors.ts";
export type { RedisErrorCode } from "./errors.ts";
export { redisHistory, RedisHistory } from "./history.ts";
export { redisIdempotency, RedisIdempotency } from "./idempotency.ts";
export type { RedisIdempotencyOptions } from "./idempotency.ts";
export type { RedisHistoryOptions } from "./history.ts";
export { redisPresence, RedisPresence } from "./presence.ts";
export type { RedisPresenceOptions, PresenceMember, PresenceEvent, PresenceListener, PresenceMeta, PresenceStore, RelayOptions, RelayTarget } from "./presence.ts";
export { userTopic, sendToUser } from "./user.ts";
export type { TopicPublisher } from "./user.ts";
