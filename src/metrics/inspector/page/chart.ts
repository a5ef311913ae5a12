// The message-rate chart (uPlot): messages received and sent, and publishes, per second across the cluster, over
// the last minutes. Rates come from the difference of each instance's counters between two polls.

import uPlot from "uplot";
import type { InstanceView } from "../protocol.ts";

/** Points kept: at one poll every 2 s, ten minutes. */
const POINTS = 300;

type Totals = InstanceView["totals"];

export class RateChart {
  readonly #plot: uPlot;
  readonly #data: [number[], number[], number[], number[]] = [[], [], [], []];
  #previous = new Map<string, { at: number; totals: Totals }>();

  constructor(container: HTMLElement) {
    this.#plot = new uPlot(
      {
        width: Math.max(320, container.clientWidth),
        height: 220,
        series: [
          {},
          { label: "received/s", stroke: "#2f7ed8", width: 2 },
          { label: "sent/s", stroke: "#8bbc21", width: 2 },
          { label: "publishes/s", stroke: "#f28f43", width: 2 },
        ],
        axes: [{}, { size: 60 }],
        scales: { x: { time: true } },
      },
      this.#data,
      container,
    );
    addEventListener("resize", () => this.#plot.setSize({ width: Math.max(320, container.clientWidth), height: 220 }));
  }

  /** Adds one point from a fresh overview; an instance seen for the first time (or restarted) adds nothing yet. */
  add(instances: InstanceView[]): { received: number; sent: number; publishes: number } {
    let received = 0;
    let sent = 0;
    let publishes = 0;
    const next = new Map<string, { at: number; totals: Totals }>();
    for (const { instance, at, totals } of instances) {
      next.set(instance, { at, totals });
      const before = this.#previous.get(instance);
      if (before === undefined || at <= before.at) continue;
      const seconds = (at - before.at) / 1000;
      const rate = (now: number, then: number) => Math.max(0, now - then) / seconds;
      received += rate(totals.messagesIn, before.totals.messagesIn);
      sent += rate(totals.messagesOut, before.totals.messagesOut);
      publishes += rate(totals.publishes, before.totals.publishes);
    }
    this.#previous = next;
    const [xs, a, b, c] = this.#data;
    xs.push(Date.now() / 1000);
    a.push(received);
    b.push(sent);
    c.push(publishes);
    if (xs.length > POINTS) for (const series of this.#data) series.shift();
    this.#plot.setData(this.#data);
    return { received, sent, publishes };
  }
}
