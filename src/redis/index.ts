// bunwire/redis: scale a bunwire app over several instances with Redis (see docs/SCALING.md).
export { redisBus, redisClusterBus, RedisBus } from "./bus.ts";
export type { RedisBusOptions, LocalCount } from "./bus.ts";
export type { BusLogger } from "./outage.ts";
export type { ReconnectOptions, PublishClient } from "./transport.ts";
export { RedisBusError } from "./errors.ts";
export type { RedisErrorCode } from "./errors.ts";
export { redisHistory, RedisHistory } from "./history.ts";
export type { RedisHistoryOptions } from "./history.ts";
export { redisPresence, RedisPresence } from "./presence.ts";
export type { RedisPresenceOptions, PresenceMember, PresenceEvent, PresenceMeta } from "./presence.ts";
export { userTopic, sendToUser } from "./user.ts";
export type { TopicPublisher } from "./user.ts";
