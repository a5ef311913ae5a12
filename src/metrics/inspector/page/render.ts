// Draws one overview of the cluster into the page's tables: instances, topics, refusals, errors, bus, presence.

import type { Overview } from "../protocol.ts";
import { count, duration, el, fillTable, setText, shortId, time, type Cell } from "./dom.ts";

function routesCell(routes: Overview["instances"][number]["routes"]): Node {
  const list = el("ul", { class: "routes" });
  for (const route of routes) list.append(el("li", {}, el("code", {}, route.route), ` ${route.open} open`));
  return list;
}

export function renderOverview(overview: Overview): void {
  const { instances } = overview;
  const open = instances.reduce((sum, instance) => sum + instance.routes.reduce((n, route) => n + route.open, 0), 0);
  setText("summary", `${instances.length} instance${instances.length === 1 ? "" : "s"}, ${open} connection${open === 1 ? "" : "s"}${overview.missing.length > 0 ? `, ${overview.missing.length} not answering` : ""}`);

  fillTable(
    "instances",
    [
      ...instances.map((i): Cell[] => [
        el("code", { title: i.instance }, shortId(i.instance)),
        i.ready ? "ready" : `not ready: ${i.reasons.join(", ")}`,
        duration(i.at - i.startedAt),
        i.routes.reduce((n, route) => n + route.open, 0),
        routesCell(i.routes),
      ]),
      ...overview.missing.map((instance): Cell[] => [el("code", { title: instance }, shortId(instance)), "not answering", "", "", ""]),
    ],
    "no instance answered",
  );

  const topics = new Map<string, { subscribers: number; publishes: number }>();
  for (const instance of instances) {
    for (const topic of instance.topics) {
      const sum = topics.get(topic.topic) ?? { subscribers: 0, publishes: 0 };
      sum.subscribers += topic.subscribers;
      sum.publishes += topic.publishes;
      topics.set(topic.topic, sum);
    }
  }
  const hottest = [...topics].sort((a, b) => b[1].subscribers - a[1].subscribers || b[1].publishes - a[1].publishes).slice(0, 15);
  fillTable("topics", hottest.map(([topic, sum]) => [el("code", {}, topic), sum.subscribers, count(sum.publishes)]), "no topics seen yet");

  const refusals = new Map<string, { route: string; status: number; code: string; count: number }>();
  for (const instance of instances) {
    for (const refusal of instance.refusals) {
      const key = `${refusal.route} ${refusal.status} ${refusal.code}`;
      const sum = refusals.get(key) ?? { ...refusal, count: 0 };
      sum.count += refusal.count;
      refusals.set(key, sum);
    }
  }
  fillTable(
    "refusals",
    [...refusals.values()].sort((a, b) => b.count - a.count).map((r) => [el("code", {}, r.route), r.status, el("code", {}, r.code), r.count]),
    "no refused upgrades",
  );

  const errors = instances
    .flatMap((instance) => instance.errors.map((error) => ({ ...error, instance: instance.instance })))
    .sort((a, b) => b.at - a.at)
    .slice(0, 25);
  fillTable(
    "errors",
    errors.map((e) => [time(e.at), shortId(e.instance), el("code", {}, e.route), e.event, el("code", {}, e.code), e.connection ?? "", e.user ?? "", e.message]),
    "no handler errors",
  );

  fillTable(
    "bus",
    instances.map((i): Cell[] =>
      i.bus === null
        ? [shortId(i.instance), "no bus", "", "", "", "", "", ""]
        : [
            shortId(i.instance),
            i.bus.connected ? "connected" : "disconnected",
            i.bus.members,
            `${count(i.bus.publishes)} / ${count(i.bus.receives)}`,
            `${i.bus.buffered} / ${i.bus.dropped}`,
            `${i.bus.outages} (${duration(i.bus.outageMs)})`,
            `${i.bus.lastLagMs.toFixed(1)} ms (mean ${i.bus.meanLagMs.toFixed(1)})`,
            `${i.bus.lastRoundTripMs.toFixed(2)} ms (mean ${i.bus.meanRoundTripMs.toFixed(2)})`,
          ],
    ),
    "no instance answered",
  );

  fillTable("presence", overview.presence.map((room) => [el("code", {}, room.topic), room.members, room.sample.join(", ")]), "no presence rooms");
}
