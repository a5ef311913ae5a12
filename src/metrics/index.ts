// `bunwire/metrics`: see inside a running server or cluster. `app.use(observe({ token }))` mounts Prometheus
// metrics, liveness and readiness, and the token-protected live inspector on any front door. prom-client is an
// optional peer, loaded only when metrics are on.
export { observe, Observability } from "./observe.ts";
export type { ObserveOptions } from "./observe.ts";
export type { MetricsOptions } from "./exposition.ts";
export type { MetricsRegistry } from "./prom.ts";
export type { HealthOptions, ReadinessCheck } from "./health.ts";
export type { PresenceSource } from "./families.ts";
export type { InspectorOptions } from "./inspector/mount.ts";
export type { RedactHook, TailOptions } from "./inspector/tail.ts";
export { defaultRedact } from "./inspector/tail.ts";
