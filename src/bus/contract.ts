// The contract between the engine's one publish path and a cross-instance transport (Redis, NATS, your own).
// Without a bus every publish stays in-process: Bun's native topics are the whole story. The contract grows by
// addition only: each member below is what some part of bunwire relies on (noted per member).

/** What travels on a bus: exactly what `server.publish` accepts. */
export type BusPayload = string | Uint8Array;

/** Publishes to this instance's local subscribers (the engine passes native `server.publish`). */
export type BusDeliver = (topic: string, data: BusPayload, compress: boolean) => void;

/** This instance's subscriber count on a topic, so the bus can answer other instances' questions about it. */
export type LocalCount = (topic: string) => number;

/** Told `true` when the bus can reach every other instance again, `false` when it cannot. */
export type BusStateListener = (connected: boolean) => void;

/** Plain counters the bus bumps as it works (an integer increment each), read only when someone asks (metrics). */
export interface BusStats {
  /** Messages this instance handed to the bus (`publish` calls), whether sent at once or buffered. */
  readonly publishes: number;
  /** Messages received from other instances and delivered locally. */
  readonly receives: number;
  /** Publishes that went into the outage buffer. */
  readonly buffered: number;
  /** Buffered publishes dropped because the buffer was full (oldest first). */
  readonly dropped: number;
  /** Outages so far (the broker became unreachable). */
  readonly outages: number;
  /** Milliseconds spent unreachable, the current outage included. */
  readonly outageMs: number;
  /** Sender's clock to this instance's clock for the last message received (ms; skewed clocks skew it). */
  readonly lastLagMs: number;
  /** Mean of that lag over every message received (ms). */
  readonly meanLagMs: number;
  /**
   * Round trips measured: each heartbeat, this instance sends a probe to one other instance (each in turn) through
   * the broker, which sends it straight back. Nothing is added to publishes. 0 while alone on the bus.
   */
  readonly roundTrips: number;
  /** The last probe's round trip, this instance → broker → another instance → broker → back (ms, one clock). */
  readonly lastRoundTripMs: number;
  /** Mean of every round trip measured (ms). */
  readonly meanRoundTripMs: number;
}

/** Where a cluster request goes: every instance, or only those with local subscribers on `topic`. */
export interface ClusterRequestOptions {
  /** Only instances with at least one local subscriber on this topic run the handler; the others answer "none". */
  topic?: string;
  /** How long to wait for answers (default: the bus's `requestTimeoutMs`, 1000 ms). */
  timeoutMs?: number;
}

/** One instance's answer. `instance` is its `instanceId`; the asking instance answers too (it is in the cluster). */
export interface ClusterReply {
  instance: string;
  data: BusPayload;
}

/** An instance whose handler threw or rejected; `message` is the error's message. */
export interface ClusterFailure {
  instance: string;
  message: string;
}

/**
 * What a cluster request returns once every known instance answered or the timeout passed. It never throws:
 * `missing` names the instances that were alive (by heartbeat) when the request left and did not answer in time.
 * Instances that answered without data (no handler for the name, no subscriber on the topic, a handler that
 * returned `undefined`) are in neither `replies` nor `missing`.
 */
export interface ClusterReplies {
  replies: ClusterReply[];
  missing: string[];
  failed: ClusterFailure[];
}

export interface ClusterRequestContext {
  /** The asking instance's id. */
  from: string;
  /** The request's topic, when it was sent to a topic's instances. */
  topic: string | undefined;
}

/** Answers one named cluster request on this instance; `undefined` means "nothing to report". */
export type ClusterRequestHandler = (data: BusPayload, context: ClusterRequestContext) => BusPayload | undefined | Promise<BusPayload | undefined>;

export interface Bus {
  /** This instance's name on the bus (16 hex digits); connection ids and cluster answers carry it. */
  readonly instanceId: string;
  /** Called once when the engine's server starts listening. Messages from other instances go to `deliver`. */
  connect(deliver: BusDeliver, localCount?: LocalCount): Promise<void>;
  /** Sends to every OTHER instance with local subscribers on `topic`. Never throws, never blocks the caller. */
  publish(topic: string, data: BusPayload, compress: boolean): void;
  /** This instance has its first local subscriber on `topic`: start receiving it. Resolves once the subscription
   *  is live on the broker, so a publish made anywhere after that reaches this instance (topic recovery needs it).
   *  Never rejects; during an outage it resolves once the broker is back, and at `close()`. */
  subscribe(topic: string): Promise<void>;
  /** This instance's last local subscriber on `topic` left: stop receiving it. */
  unsubscribe(topic: string): void;
  /** True while the broker is reachable and publishes go straight to it (readiness checks read this). */
  readonly connected: boolean;
  /** Calls `listener` each time `connected` flips. Returns the function that stops it. */
  onStateChange(listener: BusStateListener): () => void;
  /** Counters for metrics: reading them costs nothing on the publish path. */
  readonly stats: BusStats;
  /**
   * The cluster request/reply primitive that cluster operations build on (`clusterSubscriberCount` is one): sends
   * `data` under `name` to every instance (or to `options.topic`'s), runs each instance's `onRequest(name)`
   * handler, and resolves with what came back within the timeout, naming the instances that did not answer.
   * Names starting with `$` are bunwire's own.
   */
  request(name: string, data?: BusPayload, options?: ClusterRequestOptions): Promise<ClusterReplies>;
  /** Answers `request(name)` on this instance. One handler per name; returns the function that removes it. */
  onRequest(name: string, handler: ClusterRequestHandler): () => void;
  /** The other instances this one knows to be alive (their heartbeats arrive), by `instanceId`. */
  members(): string[];
  /** Says goodbye to the other instances, stops receiving and releases connections. */
  close(): Promise<void>;
}
