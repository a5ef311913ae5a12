// A Bus for engine-side tests that need no broker: it records what the engine tells it, and a subscription
// becomes live only when the test says so (`goLive`), so "resolves once live" can be checked exactly.
import type { Bus, BusDeliver, BusPayload, ClusterReplies, LocalCount } from "../../src/bus/index.ts";
import { BusCounters } from "../../src/bus/index.ts";

export class RecordingBus implements Bus {
  readonly instanceId = "0000000000000000";
  readonly connected = true;
  readonly stats = new BusCounters();
  readonly subscribed: string[] = [];
  readonly unsubscribed: string[] = [];
  readonly published: { topic: string; data: BusPayload }[] = [];
  deliver: BusDeliver | undefined;
  readonly #live = new Map<string, () => void>();

  constructor(private readonly liveAtOnce = false) {}

  async connect(deliver: BusDeliver, _localCount?: LocalCount): Promise<void> {
    this.deliver = deliver;
  }
  publish(topic: string, data: BusPayload): void {
    this.published.push({ topic, data });
  }
  subscribe(topic: string): Promise<void> {
    this.subscribed.push(topic);
    if (this.liveAtOnce) return Promise.resolve();
    return new Promise((resolve) => this.#live.set(topic, resolve));
  }
  /** The broker confirmed `topic`'s subscription. */
  goLive(topic: string): void {
    this.#live.get(topic)?.();
  }
  unsubscribe(topic: string): void {
    this.unsubscribed.push(topic);
  }
  onStateChange(): () => void {
    return () => {};
  }
  async request(): Promise<ClusterReplies> {
    return { replies: [], missing: [], failed: [] };
  }
  onRequest(): () => void {
    return () => {};
  }
  members(): string[] {
    return [];
  }
  async close(): Promise<void> {}
}
