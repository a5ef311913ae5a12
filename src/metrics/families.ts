// Every metric bunwire exposes, with what it counts (the README's list is checked against this file), read from the
// engine's plain counters at scrape time. Labels are route patterns, protocol and event names, status, close and
// error codes: bounded sets, never a concrete path, topic or user. Connection ids and users appear only as exemplars.

import type { Engine } from "../engine/engine.ts";
import { LATENCY_BUCKETS, protocolStatsOf, type EventStats } from "../engine/event-stats.ts";
import type { CountedConnection, KeyedCounts, RouteStats } from "../engine/stats.ts";
import type { BusWatch } from "./health.ts";
import type { PromValue } from "./prom.ts";

/** Presence as metrics and the inspector read it (`redisPresence(...)` is one). */
export interface PresenceSource {
  /** Topics with members on this instance and how many distinct ids each holds here. */
  localCounts(): Map<string, number>;
  /** Everyone present on `topic` across the cluster. */
  list(topic: string): Promise<ReadonlyArray<{ id: string }>>;
}

export interface Source {
  readonly engine: Engine;
  readonly watch: BusWatch;
  readonly presence: PresenceSource | undefined;
}

export interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram";
  /** Label names of its samples (a histogram's `le` aside), for the documentation and its test. */
  readonly labels: readonly string[];
  readonly help: string;
  collect(source: Source): PromValue[];
}

type Labels = PromValue["labels"];

/** An exemplar naming a connection (and its user): OpenMetrics allows 128 characters of labels in all. */
function exemplarOf(connection: CountedConnection | undefined, at: number): PromValue["exemplar"] {
  if (connection === undefined) return undefined;
  const labelSet: Record<string, string> = { connection_id: connection.id.slice(0, 60) };
  if (connection.user !== undefined) labelSet.user_id = connection.user.id.slice(0, 40);
  return { labelSet, value: 1, timestamp: at / 1000 };
}

function perRoute(read: (stats: RouteStats) => number): (source: Source) => PromValue[] {
  return ({ engine }) => engine.stats.routes.map((stats) => ({ labels: { route: stats.route }, value: read(stats) }));
}

function keyed<K extends string | number>(counts: KeyedCounts<K>, labels: Labels, key: string): PromValue[] {
  return [...counts.entries()].map(([value, count]) => ({ labels: { ...labels, [key]: String(value) }, value: count }));
}

/** Typed dispatchers served on this engine's routes, merged by protocol and event name. */
function events(engine: Engine): Map<string, { protocol: string; stats: EventStats[] }> {
  const seen = new Set<object>();
  const merged = new Map<string, { protocol: string; stats: EventStats[] }>();
  for (const [, { route }] of engine.sockets.entries()) {
    const protocol = protocolStatsOf(route.handlers);
    if (protocol === undefined || seen.has(protocol)) continue;
    seen.add(protocol);
    for (const [event, stats] of protocol.events) {
      const key = `${protocol.protocol}\n${event}`;
      const entry = merged.get(key) ?? { protocol: protocol.protocol, stats: [] };
      entry.stats.push(stats);
      merged.set(key, entry);
    }
  }
  return merged;
}

function protocols(engine: Engine): Array<{ protocol: string; rejections: KeyedCounts<string> }> {
  const seen = new Set<object>();
  const out: Array<{ protocol: string; rejections: KeyedCounts<string> }> = [];
  for (const [, { route }] of engine.sockets.entries()) {
    const protocol = protocolStatsOf(route.handlers);
    if (protocol === undefined || seen.has(protocol)) continue;
    seen.add(protocol);
    out.push({ protocol: protocol.protocol, rejections: protocol.rejections });
  }
  return out;
}

function replyHistogram(engine: Engine): PromValue[] {
  const values: PromValue[] = [];
  for (const { protocol, stats } of events(engine).values()) {
    const labels = { protocol, event: stats[0]!.event };
    let cumulative = 0;
    for (let index = 0; index <= LATENCY_BUCKETS.length; index++) {
      for (const one of stats) cumulative += one.buckets[index]!;
      const le = index < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[index]) : "+Inf";
      values.push({ metricName: "bunwire_event_reply_seconds_bucket", labels: { ...labels, le }, value: cumulative });
    }
    values.push({ metricName: "bunwire_event_reply_seconds_sum", labels, value: stats.reduce((sum, one) => sum + one.sum, 0) });
    values.push({ metricName: "bunwire_event_reply_seconds_count", labels, value: cumulative });
  }
  return values;
}

function bus(read: (source: Source, bus: NonNullable<Engine["options"]["bus"]>) => number): (source: Source) => PromValue[] {
  return (source) => {
    const current = source.engine.options.bus;
    return current === undefined ? [] : [{ labels: {}, value: read(source, current) }];
  };
}

export const FAMILIES: readonly Family[] = [
  { name: "bunwire_connections", type: "gauge", labels: ["route"], help: "WebSocket connections open now, per route pattern.", collect: perRoute((s) => s.open) },
  {
    name: "bunwire_connections_opened_total",
    type: "counter",
    labels: ["route"],
    help: "WebSocket connections opened (upgrades accepted), per route pattern; exemplar: the last connection id and user.",
    collect: ({ engine }) => engine.stats.routes.map((s) => ({ labels: { route: s.route }, value: s.opened, exemplar: exemplarOf(s.lastOpened, s.lastOpened?.openedAt ?? 0) })),
  },
  {
    name: "bunwire_upgrades_refused_total",
    type: "counter",
    labels: ["route", "status", "code"],
    help: 'Upgrades refused, per route pattern ("none": no route matched), HTTP status and code (ORIGIN_FORBIDDEN, UPGRADE_REFUSED, TOO_MANY_CONNECTIONS, ROUTE_NOT_FOUND, UPGRADE_REQUIRED for a plain request on a WebSocket path, ...).',
    collect: ({ engine }) => [...engine.stats.refusals.values()].map(({ route, status, code, count }) => ({ labels: { route, status, code }, value: count })),
  },
  {
    name: "bunwire_closes_total",
    type: "counter",
    labels: ["route", "code"],
    help: "WebSocket connections closed, per route pattern and close code (1000 normal, 1001 going away, 1006 abnormal, which includes a message over maxPayloadLength that the client sees as 1009; 1008 policy, 1013 try again later, ...).",
    collect: ({ engine }) => engine.stats.routes.flatMap((s) => keyed(s.closes, { route: s.route }, "code")),
  },
  { name: "bunwire_messages_received_total", type: "counter", labels: ["route"], help: "WebSocket messages received, per route pattern (before any limit applies).", collect: perRoute((s) => s.messagesIn) },
  { name: "bunwire_received_bytes_total", type: "counter", labels: ["route"], help: "Size of the messages received, per route pattern: binary frames in bytes, text frames in characters.", collect: perRoute((s) => s.bytesIn) },
  { name: "bunwire_messages_sent_total", type: "counter", labels: ["route"], help: "Messages bunwire itself sent on sockets (typed acks, replies, errors, emitted events, pongs, history replays), per route pattern; not your own ws.send calls, not those Bun dropped.", collect: perRoute((s) => s.messagesOut) },
  { name: "bunwire_sent_bytes_total", type: "counter", labels: ["route"], help: "Size of those messages, per route pattern: binary in bytes, text in characters.", collect: perRoute((s) => s.bytesOut) },
  { name: "bunwire_backpressure_total", type: "counter", labels: ["route"], help: "bunwire's sends that Bun queued under backpressure (send returned -1; still sent and counted as sent), per route pattern.", collect: perRoute((s) => s.backpressure) },
  { name: "bunwire_send_dropped_total", type: "counter", labels: ["route"], help: "bunwire's sends that Bun dropped (send returned 0: over websocket.backpressureLimit), per route pattern.", collect: perRoute((s) => s.sendDropped) },
  { name: "bunwire_drains_total", type: "counter", labels: ["route"], help: "drain events (a socket's send buffer emptied after backpressure), per route pattern.", collect: perRoute((s) => s.drains) },
  { name: "bunwire_queue_overflows_total", type: "counter", labels: ["route"], help: "Connections closed with 1013 because their events outran an async handler (maxQueuedEvents / maxQueuedBytes), per route pattern.", collect: perRoute((s) => s.queueOverflows) },
  { name: "bunwire_rate_limited_total", type: "counter", labels: ["route"], help: "Messages refused by messageRateLimit (closed with 1008 or answered RATE_LIMITED), per route pattern.", collect: perRoute((s) => s.rateLimited) },
  {
    name: "bunwire_handler_errors_total",
    type: "counter",
    labels: ["route", "code"],
    help: "Errors thrown or rejected by handlers (raw and typed), per route pattern and code (your BunwireError code, else HANDLER_ERROR); exemplar: the last failing connection.",
    collect: ({ engine }) => engine.stats.routes.flatMap((s) => keyed(s.errors, { route: s.route }, "code").map((value) => (value.labels.code === s.lastFailedCode ? { ...value, exemplar: exemplarOf(s.lastFailed, s.lastFailedAt) } : value))),
  },
  { name: "bunwire_publishes_total", type: "counter", labels: [], help: "Publishes made through bunwire on this instance (app/router/gateway publish, typed publish and broadcast).", collect: ({ engine }) => [{ labels: {}, value: engine.stats.publishes }] },
  {
    name: "bunwire_publish_deliveries_total",
    type: "counter",
    labels: ["origin"],
    help: 'Local subscribers reached by publishes, counted at publish time (publishes x subscribers): origin="local" for this instance\'s publishes, "bus" for messages from other instances.',
    collect: ({ engine }) => [{ labels: { origin: "local" }, value: engine.stats.deliveries }, { labels: { origin: "bus" }, value: engine.stats.busDeliveries }],
  },
  {
    name: "bunwire_events_received_total",
    type: "counter",
    labels: ["protocol", "event"],
    help: "Typed messages received, per protocol name and client event (before validation).",
    collect: ({ engine }) => [...events(engine).values()].map(({ protocol, stats }) => ({ labels: { protocol, event: stats[0]!.event }, value: stats.reduce((sum, one) => sum + one.received, 0) })),
  },
  {
    name: "bunwire_event_errors_total",
    type: "counter",
    labels: ["protocol", "event", "code"],
    help: "Typed messages that failed, per protocol, event and code (VALIDATION_FAILED, HANDLER_ERROR, your own codes).",
    collect: ({ engine }) => [...events(engine).values()].flatMap(({ protocol, stats }) => stats.flatMap((one) => keyed(one.errors, { protocol, event: one.event }, "code"))),
  },
  {
    name: "bunwire_event_reply_seconds",
    type: "histogram",
    labels: ["protocol", "event"],
    help: "Time from a typed request's arrival to its ack or error, per protocol and event; handlers that answer synchronously count in the first bucket.",
    collect: ({ engine }) => replyHistogram(engine),
  },
  {
    name: "bunwire_protocol_rejections_total",
    type: "counter",
    labels: ["protocol", "code"],
    help: "Frames a typed route refused before any handler, per protocol and code (INVALID_JSON, INVALID_ENVELOPE, UNKNOWN_EVENT, UNSUPPORTED_CODEC, RATE_LIMITED).",
    collect: ({ engine }) => protocols(engine).flatMap(({ protocol, rejections }) => keyed(rejections, { protocol }, "code")),
  },
  {
    name: "bunwire_recoveries_total",
    type: "counter",
    labels: ["route", "recovered"],
    help: 'Joins that asked to recover from an offset, per route pattern: recovered="true" when the history had every missed event.',
    collect: ({ engine }) => engine.stats.routes.flatMap((s) => [{ labels: { route: s.route, recovered: "true" }, value: s.recovered }, { labels: { route: s.route, recovered: "false" }, value: s.notRecovered }]),
  },
  { name: "bunwire_ready", type: "gauge", labels: [], help: "1 while this instance is ready (listening, not shutting down, bus connected), else 0.", collect: ({ watch }) => [{ labels: {}, value: watch.reasons().length === 0 ? 1 : 0 }] },
  { name: "bunwire_bus_connected", type: "gauge", labels: [], help: "1 while the bus reaches its broker, else 0 (only with a bus).", collect: bus((_, b) => (b.connected ? 1 : 0)) },
  { name: "bunwire_bus_members", type: "gauge", labels: [], help: "Other instances this one hears heartbeats from (only with a bus).", collect: bus((_, b) => b.members().length) },
  { name: "bunwire_bus_publishes_total", type: "counter", labels: [], help: "Messages this instance handed to the bus, sent at once or buffered.", collect: bus((_, b) => b.stats.publishes) },
  { name: "bunwire_bus_receives_total", type: "counter", labels: [], help: "Messages received from other instances and delivered locally.", collect: bus((_, b) => b.stats.receives) },
  { name: "bunwire_bus_buffered_total", type: "counter", labels: [], help: "Publishes kept in the outage buffer while the broker was unreachable.", collect: bus((_, b) => b.stats.buffered) },
  { name: "bunwire_bus_dropped_total", type: "counter", labels: [], help: "Buffered publishes dropped because the outage buffer was full (oldest first).", collect: bus((_, b) => b.stats.dropped) },
  { name: "bunwire_bus_outages_total", type: "counter", labels: [], help: "Times the broker became unreachable.", collect: bus((_, b) => b.stats.outages) },
  { name: "bunwire_bus_outage_seconds_total", type: "counter", labels: [], help: "Seconds spent unreachable, the current outage included.", collect: bus((_, b) => b.stats.outageMs / 1000) },
  { name: "bunwire_bus_lag_seconds", type: "gauge", labels: [], help: "Sender's clock to this instance's clock for the last message received from another instance (skewed clocks skew it).", collect: bus((_, b) => b.stats.lastLagMs / 1000) },
  { name: "bunwire_bus_lag_mean_seconds", type: "gauge", labels: [], help: "Mean of that lag over every message received.", collect: bus((_, b) => b.stats.meanLagMs / 1000) },
  { name: "bunwire_bus_round_trip_seconds", type: "gauge", labels: [], help: "Last round trip through the broker to another instance and back, timed on this instance's clock by a probe sent with each heartbeat (only with a bus and another instance).", collect: bus((_, b) => b.stats.lastRoundTripMs / 1000) },
  { name: "bunwire_bus_round_trip_mean_seconds", type: "gauge", labels: [], help: "Mean of every round trip measured.", collect: bus((_, b) => b.stats.meanRoundTripMs / 1000) },
  { name: "bunwire_bus_round_trips_total", type: "counter", labels: [], help: "Round trips measured (one per heartbeat while another instance is on the bus).", collect: bus((_, b) => b.stats.roundTrips) },
  {
    name: "bunwire_presence_members",
    type: "gauge",
    labels: [],
    help: "Presence entries this instance holds: distinct ids summed over topics (only with the presence option).",
    collect: ({ presence }) => (presence === undefined ? [] : [{ labels: {}, value: [...presence.localCounts().values()].reduce((sum, n) => sum + n, 0) }]),
  },
];
