// Cluster-wide operations (`app.cluster` on every front door) and what they return.
export { Cluster } from "./cluster.ts";
export type {
  ClusterCallOptions, ClusterEventHandler, ClusterOutcome, ConnectionsOptions, ConnectionsResult, CountResult, DisconnectOptions, EmitContext,
  EmitResult,
} from "./cluster.ts";
export type { ConnectionFilter } from "./input.ts";
export type { ClusterConnection } from "./local.ts";
