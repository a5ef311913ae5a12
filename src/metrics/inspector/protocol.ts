// The inspector page's typed protocol, shared by the page (bundled with bunwire/client) and the server: the page
// asks, every instance of the cluster answers through the bus. Client-safe: no server imports.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { defineProtocol } from "../../protocol/define.ts";

export interface RouteView {
  route: string;
  open: number;
  opened: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
}

export interface TopicView {
  topic: string;
  subscribers: number;
  /** Publishes seen since the inspector was mounted on this instance. */
  publishes: number;
}

export interface ErrorView {
  at: number;
  route: string;
  code: string;
  event: string;
  connection?: string;
  user?: string;
  message: string;
}

export interface RefusalView {
  route: string;
  status: number;
  code: string;
  count: number;
}

export interface BusView {
  connected: boolean;
  members: number;
  publishes: number;
  receives: number;
  buffered: number;
  dropped: number;
  outages: number;
  outageMs: number;
  lastLagMs: number;
  meanLagMs: number;
  /** Through the broker to another instance and back (0 while alone). */
  lastRoundTripMs: number;
  meanRoundTripMs: number;
}

/** One instance as it describes itself. */
export interface InstanceView {
  instance: string;
  at: number;
  startedAt: number;
  ready: boolean;
  reasons: string[];
  routes: RouteView[];
  totals: { messagesIn: number; messagesOut: number; publishes: number; deliveries: number };
  topics: TopicView[];
  refusals: RefusalView[];
  recentRefusals: Array<{ at: number; route: string; status: number; code: string }>;
  errors: ErrorView[];
  bus: BusView | null;
  /** Presence topics with members on this instance, and how many. */
  presence: Array<{ topic: string; local: number }>;
}

export interface PresenceView {
  topic: string;
  members: number;
  /** The first ids, for a glance. */
  sample: string[];
}

export interface Overview {
  instances: InstanceView[];
  /** Instances alive by heartbeat that did not answer in time. */
  missing: string[];
  presence: PresenceView[];
  tail: boolean;
}

export interface ConnectionView {
  instance: string;
  id: string;
  user?: string;
  route: string;
  ip: string;
  openedAt: number;
  topics: string[];
}

export interface SearchResult {
  connections: ConnectionView[];
  missing: string[];
  /** More matched than were listed. */
  truncated: boolean;
}

export interface TailEntry {
  instance: string;
  seq: number;
  at: number;
  /** Size of the whole message (characters or bytes). */
  size: number;
  /** Redacted and truncated. */
  text: string;
}

export interface TailResult {
  enabled: boolean;
  entries: TailEntry[];
}

/** A Standard Schema from a check returning an error message (undefined: valid); no schema library in the page. */
function schema<T>(check: (value: unknown) => string | undefined): StandardSchemaV1<T> {
  return {
    "~standard": {
      version: 1,
      vendor: "bunwire",
      validate(value) {
        const problem = check(value);
        return problem === undefined ? { value: value as T } : { issues: [{ message: problem }] };
      },
    },
  };
}

/** Types only: acks are not validated. */
function ack<T>(): StandardSchemaV1<T> {
  return schema<T>(() => undefined);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

export const inspectorProtocol = defineProtocol({
  name: "bunwire.inspector",
  client: {
    overview: schema<Record<string, never>>((v) => (isObject(v) ? undefined : "expected {}")),
    search: schema<{ query: string }>((v) => (isObject(v) && typeof v.query === "string" && v.query.length > 0 && v.query.length <= 200 ? undefined : "expected { query: string of 1..200 characters }")),
    tail: schema<{ topic: string; after: Record<string, number> }>((v) =>
      isObject(v) && typeof v.topic === "string" && v.topic.length > 0 && v.topic.length <= 200 && isObject(v.after) ? undefined : "expected { topic: string, after: { [instance]: seq } }"),
  },
  server: {},
  acks: { overview: ack<Overview>(), search: ack<SearchResult>(), tail: ack<TailResult>() },
});
