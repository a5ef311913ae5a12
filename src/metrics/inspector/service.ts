// The inspector's server side on one instance: answers the page's requests by asking every instance of the cluster
// (the bus's request/reply primitive; this instance answers its own request too), and answers other instances'
// requests with its own snapshot, search matches and tail.

import type { Bus, BusPayload } from "../../bus/contract.ts";
import type { Overview, PresenceView, SearchResult, TailEntry, TailResult } from "./protocol.ts";
import { MAX_MATCHES, search, snapshot, type InstanceContext } from "./snapshot.ts";
import { readTail, type TailOptions } from "./tail.ts";

const OVERVIEW = "$bunwire.inspector.overview";
const SEARCH = "$bunwire.inspector.search";
const TAIL = "$bunwire.inspector.tail";
const TIMEOUT_MS = 1500;
const PRESENCE_ROOMS = 20;

/** Marks a bus whose cluster requests an inspector already answers (one handler per name and bus). */
const ANSWERING = Symbol.for("bunwire.inspector.answering");

function text(data: BusPayload): string {
  return typeof data === "string" ? data : new TextDecoder().decode(data);
}

export class InspectorService {
  readonly #context: InstanceContext;
  readonly #tail: TailOptions | undefined;

  constructor(context: InstanceContext, tail: TailOptions | undefined) {
    this.#context = context;
    this.#tail = tail;
    const bus = context.engine.options.bus as (Bus & { [ANSWERING]?: true }) | undefined;
    if (bus === undefined || bus[ANSWERING] === true) return;
    bus[ANSWERING] = true;
    bus.onRequest(OVERVIEW, () => JSON.stringify(snapshot(this.#context)));
    bus.onRequest(SEARCH, (data) => JSON.stringify(search(this.#context, text(data))));
    bus.onRequest(TAIL, (data) => {
      const { topic, after } = JSON.parse(text(data)) as { topic: string; after: Record<string, number> };
      return JSON.stringify(this.#readTail(topic, after));
    });
  }

  /** Every instance's answer to `name` (this one's alone without a bus), and who did not answer. */
  async #ask<T>(name: string, data: string, local: () => T): Promise<{ answers: T[]; missing: string[] }> {
    const bus = this.#context.engine.options.bus;
    if (bus === undefined) return { answers: [local()], missing: [] };
    const { replies, missing, failed } = await bus.request(name, data, { timeoutMs: TIMEOUT_MS });
    return { answers: replies.map((reply) => JSON.parse(text(reply.data)) as T), missing: [...missing, ...failed.map((f) => f.instance)] };
  }

  async overview(): Promise<Overview> {
    const { answers, missing } = await this.#ask(OVERVIEW, "", () => snapshot(this.#context));
    answers.sort((a, b) => a.instance.localeCompare(b.instance));
    return { instances: answers, missing, presence: await this.#presence(answers), tail: this.#tail !== undefined };
  }

  /** Rooms with the most members on the instances, with the cluster-wide list of each (one Redis read per room). */
  async #presence(instances: Overview["instances"]): Promise<PresenceView[]> {
    const local = new Map<string, number>();
    for (const instance of instances) for (const { topic, local: count } of instance.presence) local.set(topic, (local.get(topic) ?? 0) + count);
    const rooms = [...local].sort((a, b) => b[1] - a[1]).slice(0, PRESENCE_ROOMS);
    const presence = this.#context.presence;
    return Promise.all(
      rooms.map(async ([topic, count]) => {
        if (presence === undefined) return { topic, members: count, sample: [] };
        try {
          const members = await presence.list(topic);
          // The first ids in order, not in join order: the same room reads the same from one refresh to the next.
          return { topic, members: members.length, sample: members.map((member) => member.id).sort().slice(0, 10) };
        } catch {
          return { topic, members: count, sample: [] };
        }
      }),
    );
  }

  async search(query: string): Promise<SearchResult> {
    const { answers, missing } = await this.#ask(SEARCH, query, () => search(this.#context, query));
    const connections = answers.flatMap((answer) => answer.connections);
    const truncated = answers.some((answer) => answer.truncated) || connections.length > MAX_MATCHES;
    return { connections: connections.slice(0, MAX_MATCHES), missing, truncated };
  }

  async tail(topic: string, after: Record<string, number>): Promise<TailResult> {
    if (this.#tail === undefined) return { enabled: false, entries: [] };
    const { answers } = await this.#ask(TAIL, JSON.stringify({ topic, after }), () => this.#readTail(topic, after));
    const entries = answers.flat().sort((a, b) => a.at - b.at || a.seq - b.seq);
    return { enabled: true, entries };
  }

  #readTail(topic: string, after: Record<string, number>): TailEntry[] {
    if (this.#tail === undefined) return [];
    const { engine, instance } = this.#context;
    const seen = Object.hasOwn(after, instance) ? Number(after[instance]) : 0;
    return readTail(engine.stats, instance, topic, Number.isFinite(seen) ? seen : 0, this.#tail);
  }
}
