// What one instance tells the inspector about itself: routes with their connections and traffic, hottest topics,
// refusals, recent errors (already redacted), bus state, presence rooms; and which of its connections match a
// search. Built from the engine's counters on request, never on the message path.

import type { Bus } from "../../bus/contract.ts";
import { connectionOf } from "../../engine/connection.ts";
import type { Engine } from "../../engine/engine.ts";
import type { Socket } from "../../engine/socket-route.ts";
import type { PresenceSource } from "../families.ts";
import type { BusWatch } from "../health.ts";
import type { BusView, ConnectionView, InstanceView, TopicView } from "./protocol.ts";

const HOT_TOPICS = 15;
/** Sockets scanned for their topics (Bun lists a socket's topics; scanning all of a big server costs too much). */
const SCANNED_SOCKETS = 2000;
export const MAX_MATCHES = 50;

export interface InstanceContext {
  readonly engine: Engine;
  readonly watch: BusWatch;
  readonly presence: PresenceSource | undefined;
  readonly instance: string;
  /** Topics of bunwire's own making not worth listing (the inspector's broadcast topic). */
  readonly hiddenTopics: ReadonlySet<string>;
}

/** The engine's open sockets (its one registry, which cluster operations walk too). */
function* sockets(engine: Engine): Generator<Socket> {
  for (const [ws] of engine.connections.matching({})) yield ws;
}

/** Topics the inspector leaves out: its own, and bunwire's per-user topics (one per signed-in user: not "hot"). */
function hidden(context: InstanceContext, topic: string): boolean {
  return context.hiddenTopics.has(topic) || topic.startsWith("$user:");
}

function hotTopics(context: InstanceContext): TopicView[] {
  const { engine } = context;
  const stats = engine.stats;
  const candidates = new Set<string>();
  for (const [topic] of engine.busTopics()) candidates.add(topic);
  for (const topic of stats.topics?.keys() ?? []) candidates.add(topic);
  let scanned = 0;
  for (const ws of sockets(engine)) {
    if (scanned++ >= SCANNED_SOCKETS) break;
    for (const topic of ws.subscriptions) candidates.add(topic);
  }
  const views: TopicView[] = [];
  for (const topic of candidates) {
    if (hidden(context, topic)) continue;
    views.push({ topic, subscribers: stats.subscriberCount(topic), publishes: stats.topics?.get(topic) ?? 0 });
  }
  views.sort((a, b) => b.subscribers - a.subscribers || b.publishes - a.publishes || a.topic.localeCompare(b.topic));
  return views.slice(0, HOT_TOPICS);
}

function busView(bus: Bus): BusView {
  const { publishes, receives, buffered, dropped, outages, outageMs, lastLagMs, meanLagMs, lastRoundTripMs, meanRoundTripMs } = bus.stats;
  return { connected: bus.connected, members: bus.members().length, publishes, receives, buffered, dropped, outages, outageMs, lastLagMs, meanLagMs, lastRoundTripMs, meanRoundTripMs };
}

export function snapshot(context: InstanceContext): InstanceView {
  const { engine, watch, presence, instance } = context;
  const stats = engine.stats;
  const reasons = watch.reasons();
  const routes = stats.routes.map((r) => ({
    route: r.route,
    open: r.open,
    opened: r.opened,
    messagesIn: r.messagesIn,
    messagesOut: r.messagesOut,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    errors: r.errors.total,
  }));
  const bus = engine.options.bus;
  return {
    instance,
    at: Date.now(),
    startedAt: stats.startedAt,
    ready: reasons.length === 0,
    reasons,
    routes,
    totals: {
      messagesIn: routes.reduce((sum, r) => sum + r.messagesIn, 0),
      messagesOut: routes.reduce((sum, r) => sum + r.messagesOut, 0),
      publishes: stats.publishes,
      deliveries: stats.deliveries + stats.busDeliveries,
    },
    topics: hotTopics(context),
    refusals: [...stats.refusals.values()].map((r) => ({ ...r })),
    recentRefusals: stats.recentRefusals.list(),
    errors: stats.recentErrors.list(),
    bus: bus === undefined ? null : busView(bus),
    presence: presence === undefined ? [] : [...presence.localCounts()].map(([topic, local]) => ({ topic, local })),
  };
}

/** This instance's connections whose id, user id or topic is `query`. */
export function search(context: InstanceContext, query: string): { connections: ConnectionView[]; truncated: boolean } {
  const connections: ConnectionView[] = [];
  for (const ws of sockets(context.engine)) {
    const info = connectionOf(ws);
    if (info === undefined) continue;
    if (info.id !== query && info.user?.id !== query && !ws.isSubscribed(query)) continue;
    if (connections.length === MAX_MATCHES) return { connections, truncated: true };
    const view: ConnectionView = {
      instance: context.instance,
      id: info.id,
      route: info.route,
      ip: info.ip,
      openedAt: info.openedAt,
      topics: ws.subscriptions.filter((topic) => !hidden(context, topic)).slice(0, 20),
    };
    if (info.user !== undefined) view.user = info.user.id;
    connections.push(view);
  }
  return { connections, truncated: false };
}
