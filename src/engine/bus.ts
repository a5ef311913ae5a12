// The contract between the engine's one publish path and a cross-instance transport (Redis, NATS).
// Without a bus every publish stays in-process: Bun's native topics are the whole story.

/** What travels on a bus: exactly what `server.publish` accepts. */
export type BusPayload = string | Uint8Array;

/** Publishes to this instance's local subscribers (the engine passes native `server.publish`). */
export type BusDeliver = (topic: string, data: BusPayload, compress: boolean) => void;

/** This instance's subscriber count on a topic, so the bus can answer other instances' count queries. */
export type LocalCount = (topic: string) => number;

export interface Bus {
  /** Called once when the engine's server starts listening. Messages from other instances go to `deliver`. */
  connect(deliver: BusDeliver, localCount?: LocalCount): Promise<void>;
  /** Sends to every OTHER instance with local subscribers on `topic`. Never throws, never blocks the caller. */
  publish(topic: string, data: BusPayload, compress: boolean): void;
  /** This instance has its first local subscriber on `topic`: start receiving it. */
  subscribe(topic: string): void;
  /** This instance's last local subscriber on `topic` left: stop receiving it. */
  unsubscribe(topic: string): void;
  /** Subscribers on `topic` across all instances; `local` is this instance's own count. */
  clusterSubscriberCount(topic: string, local: number): Promise<number>;
  /** Stops receiving and releases connections. */
  close(): Promise<void>;
}
