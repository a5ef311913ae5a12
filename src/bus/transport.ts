// What a driver gives the shared bus core (`TransportBus`): a broker connection that publishes and subscribes
// named channels, and the driver's channel names. Everything else (frames, the outage buffer, membership,
// cluster requests, counters, connection state) is the core's, the same for every broker.

export interface TransportEvents {
  /** A frame arrived on `channel` (the driver passes every channel it subscribed). */
  frame(channel: string, frame: Buffer): void;
  /** Publishing is possible (after start or an outage); the broker's subscriptions are being restored. */
  up(): void;
  /** The broker became unreachable; the driver keeps retrying until `close()`. */
  down(reason: string): void;
}

export interface Transport {
  /** For log lines, without secrets: "Redis redis://127.0.0.1:6379", "NATS nats://...". */
  readonly name: string;
  /** The channel every instance subscribes: heartbeats, goodbyes and cluster requests. */
  readonly broadcastChannel: string;
  /** One instance's own channel: replies and answers to its hello go there. */
  instanceChannel(instance: string): string;
  topicChannel(topic: string): string;
  /** The topic a topic channel carries; undefined for any other channel. */
  topicOf(channel: string): string | undefined;
  /** Connects; resolves after the first attempt, reporting `up` or `down` through `events` (never rejects). */
  start(events: TransportEvents): Promise<void>;
  /** Sends one frame. A rejection or a throw means it was not sent (the core buffers or drops it). */
  publish(channel: string, frame: Buffer): Promise<unknown> | void;
  /** Resolves once the subscription is live on the broker; rejects if it could not be made (retried at `up`). */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): void;
  close(): Promise<void>;
}
