// The one Bus implementation every driver shares: it turns a driver's Transport (publish and subscribe named
// channels on Redis, NATS, ...) into the engine's Bus. It owns the frame format, the outage policy (bounded
// buffer, one warning, resend in order after a delay, one info line), the connection state, the counters,
// membership by heartbeat and the cluster request/reply primitive. Drivers only translate.

import type {
  Bus, BusDeliver, BusPayload, BusStateListener, ClusterReplies, ClusterRequestHandler, ClusterRequestOptions, LocalCount,
} from "./contract.ts";
import { PublishBatch } from "./batch.ts";
import { answerSubscriberCounts, clusterSubscriberCount } from "./cluster-count.ts";
import {
  compressOf, decodeReply, decodeRequest, eachInBatch, encodeBatch, encodeBye, encodeHeartbeat, encodeMessage, encodeProbe, encodeReply,
  encodeRequest, heartbeatInterval, isHello, probeOf, KIND_BATCH, KIND_BYE, KIND_HEARTBEAT, KIND_MESSAGE, KIND_REPLY, KIND_REQUEST, kindOf,
  newInstanceId, payloadOf, REPLY_NONE, senderOf, sentAt, sentBy, type RequestFrame,
} from "./frame.ts";
import { Membership } from "./membership.ts";
import { checkBusOptions, type BusOptions } from "./options.ts";
import { consoleBusLogger, OutageBuffer } from "./outage.ts";
import { checkRequest, checkRequestName, ClusterRequests, type Answer } from "./requests.ts";
import { addSizes, SIZES, sizesOf, type Sizes } from "../engine/sizes.ts";
import { Subscriptions } from "./subscriptions.ts";
import { BusCounters } from "./stats.ts";
import type { Transport } from "./transport.ts";

interface Buffered {
  /** Where it stands in this instance's publish order: a publish whose write fails late is resent in its place. */
  seq: number;
  channel: string;
  frame: Buffer;
}

type State = "idle" | "up" | "down" | "flushing" | "closed";

const NONE: Answer = { status: REPLY_NONE, data: "" };
const RESOLVED = Promise.resolve();
const noop = () => {};
const inPublishOrder = (a: Buffered, b: Buffered) => a.seq - b.seq;

export class TransportBus implements Bus {
  readonly instanceId: string;
  readonly stats = new BusCounters();
  readonly #id = newInstanceId();
  readonly #transport: Transport;
  readonly #outage: OutageBuffer<Buffered>;
  readonly #flushDelayMs: number;
  readonly #requestTimeoutMs: number;
  readonly #heartbeatMs: number;
  readonly #ownChannel: string;
  readonly #members = new Membership();
  readonly #requests = new ClusterRequests();
  /** Every channel this instance receives (topics, its own, the broadcast one) and when it became live. */
  readonly #channels: Subscriptions;
  readonly #listeners = new Set<BusStateListener>();
  /** Topic messages of this turn not yet written (src/bus/batch.ts). */
  readonly #batch = new PublishBatch((channel, frames) => this.#write(channel, frames));
  /** Counts writes and buffered publishes, in publish order (see Buffered.seq). */
  #seq = 0;
  #state: State = "idle";
  #deliver: BusDeliver | undefined;
  #localCount: LocalCount | undefined;
  #connecting: Promise<void> | undefined;
  #ownLive: Promise<unknown> = RESOLVED;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  /** `flushDelayMs`: the wait after reconnecting before resending the buffer, so other instances can re-subscribe
   *  first (the driver derives it from its reconnect delays). `invalid` builds the driver's named option error. */
  constructor(transport: Transport, options: BusOptions & { flushDelayMs: number }, invalid: (message: string) => Error) {
    const { bufferSize, requestTimeoutMs, heartbeatMs, flushDelayMs } = checkBusOptions(options, invalid);
    this.instanceId = this.#id.toString("hex");
    this.#transport = transport;
    this.#flushDelayMs = flushDelayMs;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#heartbeatMs = heartbeatMs;
    this.#localCount = options.localCount;
    this.#ownChannel = transport.instanceChannel(this.instanceId);
    this.#channels = new Subscriptions(transport);
    this.#outage = new OutageBuffer(bufferSize, options.logger ?? consoleBusLogger, `bunwire bus: ${transport.name}`, this.stats);
    answerSubscriberCounts(this, (topic) => this.#localSubscribers(topic));
  }

  connect(deliver: BusDeliver, localCount?: LocalCount): Promise<void> {
    this.#deliver = deliver;
    if (localCount !== undefined) this.#localCount = localCount;
    this.#connecting ??= this.#start();
    return this.#connecting;
  }

  async #start(): Promise<void> {
    this.#ownLive = Promise.all([this.#channels.add(this.#ownChannel), this.#channels.add(this.#transport.broadcastChannel)]);
    const started = this.#transport.start({ frame: this.#onFrame, up: this.#onUp, down: this.#onDown });
    this.#channels.start();
    await started;
    if (this.#reachable) await this.#ownLive;
    if (this.#state === "closed") return;
    this.#heartbeat = setInterval(this.#beat, this.#heartbeatMs);
    this.#heartbeat.unref?.();
  }

  /** Resolves once `connect` has reached the broker and every subscription made so far is live. */
  async ready(): Promise<void> {
    await this.#connecting;
    await this.#channels.allLive();
  }

  publish(topic: string, data: BusPayload, compress: boolean): void {
    // Encoding a bad payload must not throw into the caller's publish path.
    let frame: Buffer;
    try {
      frame = encodeMessage(this.#id, data, compress);
    } catch {
      return;
    }
    this.stats.publishes++;
    this.#send(this.#transport.topicChannel(topic), frame);
  }

  subscribe(topic: string): Promise<void> {
    return this.#channels.add(this.#transport.topicChannel(topic));
  }

  unsubscribe(topic: string): void {
    this.#channels.remove(this.#transport.topicChannel(topic));
  }

  get connected(): boolean {
    return this.#state === "up";
  }

  onStateChange(listener: BusStateListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  members(): string[] {
    return this.#members.alive();
  }

  onRequest(name: string, handler: ClusterRequestHandler): () => void {
    return this.#requests.on(name, handler);
  }

  async request(name: string, data: BusPayload = "", options: ClusterRequestOptions = {}): Promise<ClusterReplies> {
    checkRequestName(name);
    checkRequest(data, options);
    const others = this.#members.alive();
    const reachable = this.#reachable;
    const { id, done } = this.#requests.open(reachable ? [this.instanceId, ...others] : [this.instanceId], options.timeoutMs ?? this.#requestTimeoutMs);
    const request: RequestFrame = { id, name, topic: options.topic, data };
    if (reachable) void this.#sendNow(this.#transport.broadcastChannel, encodeRequest(this.#id, request));
    // This instance is part of the cluster: it answers its own request without a round trip.
    void this.#answer(request, this.instanceId).then((answer) => this.#requests.settle(this.instanceId, id, answer));
    const result = await done;
    // Unreachable broker: nobody else could be asked, so every known instance is missing.
    if (!reachable) result.missing.push(...others);
    return result;
  }

  /** Subscribers of `topic` on every instance (this one included), built on `request`. */
  clusterSubscriberCount(topic: string): Promise<number> {
    return clusterSubscriberCount(this, topic);
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flushTimer);
    // Sent before the goodbye: what was published just before closing still leaves.
    const bye = this.#sendNow(this.#transport.broadcastChannel, encodeBye(this.#id));
    this.#setState("closed");
    this.#requests.finishAll();
    this.#channels.close();
    this.#members.clear();
    // The goodbye spares the others a request timeout; it must not hold up shutdown if the broker hangs.
    await Promise.race([bye, new Promise<void>((resolve) => setTimeout(resolve, 500).unref?.())]);
    await this.#transport.close();
  }

  /** Internal (churn tests): channels received, subscriptions to retry, cluster requests waiting, state listeners. */
  [SIZES](): Sizes {
    const sizes: Sizes = { "bus.listeners": this.#listeners.size };
    addSizes(sizes, sizesOf(this.#transport)); // a driver's own per-channel maps, when it keeps any
    return addSizes(addSizes(sizes, sizesOf(this.#channels)), sizesOf(this.#requests));
  }

  get #reachable(): boolean {
    return this.#state === "up" || this.#state === "flushing";
  }

  #localSubscribers(topic: string): number {
    // Without a counter we know only that this instance has at least one subscriber.
    return this.#localCount?.(topic) ?? (this.#channels.has(this.#transport.topicChannel(topic)) ? 1 : 0);
  }

  #answer(request: RequestFrame, from: string): Promise<Answer> {
    if (request.topic !== undefined && this.#localSubscribers(request.topic) === 0) return Promise.resolve(NONE);
    return this.#requests.answer(request.name, request.data, { from, topic: request.topic });
  }

  /** Topic messages: held until the turn ends and batched, kept in the outage buffer while the broker is unreachable, resent in order. */
  #send(channel: string, frame: Buffer): void {
    if (this.#state !== "up") {
      if (this.#state !== "closed") this.#outage.push({ channel, frame, seq: ++this.#seq });
      return;
    }
    this.#batch.add(channel, frame);
  }

  /** Writes held messages of one channel: one frame alone as it is, several as one batch frame. */
  #write(channel: string, frames: Buffer[]): void {
    const seq = ++this.#seq;
    if (this.#state !== "up") return this.#buffer(channel, frames, seq);
    let sent: Promise<unknown> | void;
    try {
      sent = this.#transport.publish(channel, frames.length === 1 ? frames[0]! : encodeBatch(this.#id, frames));
    } catch {
      return this.#buffer(channel, frames, seq);
    }
    // A publish in flight when the connection drops is kept for the resend, not lost silently. Its failure can
    // arrive after later publishes were buffered (the other connection saw the outage first): `seq` puts it back
    // ahead of them.
    sent?.then(undefined, () => this.#buffer(channel, frames, seq));
  }

  /** Into the outage buffer one message at a time, so its bound still counts publishes. */
  #buffer(channel: string, frames: Buffer[], seq: number): void {
    if (this.#state === "closed") return;
    for (const frame of frames) this.#outage.push({ channel, frame, seq });
  }

  /** Heartbeats, requests and replies: worth nothing later, so sent now or dropped. */
  #sendNow(channel: string, frame: Buffer): Promise<void> {
    if (!this.#reachable) return RESOLVED;
    // Held topic messages go first: a request sent after a publish must not overtake it.
    this.#batch.flush();
    try {
      const sent = this.#transport.publish(channel, frame);
      return sent === undefined ? RESOLVED : sent.then(noop, noop);
    } catch {
      return RESOLVED;
    }
  }

  #setState(next: State): void {
    const was = this.#state === "up";
    this.#state = next;
    if (was === (next === "up")) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next === "up");
      } catch {
        // A failing listener must not stop the bus or the other listeners.
      }
    }
  }

  readonly #beat = (): void => {
    void this.#sendNow(this.#transport.broadcastChannel, encodeHeartbeat(this.#id, this.#heartbeatMs, false));
    // The round trip through the broker, timed once per beat on one other instance (forgets the expired too).
    const probed = this.#members.nextToProbe();
    if (probed !== undefined) void this.#sendNow(this.#transport.instanceChannel(probed), encodeProbe(this.#id, this.#heartbeatMs, performance.now(), false));
  };

  readonly #onUp = (): void => {
    if (this.#state === "closed" || this.#reachable) return;
    const wasDown = this.#state === "down";
    this.#setState("flushing");
    this.#channels.retry();
    // Hello once our own channels are live, so the answers to it reach us.
    void this.#ownLive.then(() => this.#sendNow(this.#transport.broadcastChannel, encodeHeartbeat(this.#id, this.#heartbeatMs, true)));
    // Publishes keep going into the buffer until it is resent, so order is preserved.
    if (wasDown) this.#flushTimer = setTimeout(this.#flush, this.#flushDelayMs);
    else this.#flush();
  };

  readonly #flush = (): void => {
    if (this.#state !== "flushing") return;
    // Stable sort: already in order unless a failed write came back late (then it goes back to its place).
    const items = this.#outage.markUp().sort(inPublishOrder);
    this.#setState("up");
    for (const item of items) this.#send(item.channel, item.frame);
  };

  readonly #onDown = (reason: string): void => {
    if (this.#state === "closed") return;
    clearTimeout(this.#flushTimer);
    this.#setState("down");
    this.#outage.markDown(reason);
    // Messages held for this turn join the buffer ahead of every later publish.
    this.#batch.flush();
  };

  /** A batch: its messages delivered in order, counted one by one, with the batch's one lag. */
  #onBatch(channel: string, frame: Buffer): void {
    if (sentBy(frame, this.#id)) return;
    const topic = this.#transport.topicOf(channel);
    const deliver = this.#deliver;
    if (topic === undefined || deliver === undefined) return;
    const lag = Date.now() - sentAt(frame);
    const count = eachInBatch(frame, (data, compress) => deliver(topic, data, compress));
    const stats = this.stats;
    stats.receives += count;
    stats.lastLagMs = lag;
    stats.lagTotalMs += lag * count;
  }

  readonly #onFrame = (channel: string, frame: Buffer): void => {
    const kind = kindOf(frame);
    if (kind === KIND_MESSAGE) {
      if (sentBy(frame, this.#id)) return;
      const topic = this.#transport.topicOf(channel);
      if (topic === undefined) return;
      const stats = this.stats;
      const lag = Date.now() - sentAt(frame);
      stats.receives++;
      stats.lastLagMs = lag;
      stats.lagTotalMs += lag;
      this.#deliver?.(topic, payloadOf(frame), compressOf(frame));
      return;
    }
    if (kind === KIND_BATCH) return this.#onBatch(channel, frame);
    if (kind === 0 || sentBy(frame, this.#id)) return;
    const from = senderOf(frame);
    if (kind === KIND_HEARTBEAT) {
      this.#members.seen(from, heartbeatInterval(frame));
      const probe = probeOf(frame); // sent back at once; timed when it is back
      if (probe?.echo === false) void this.#sendNow(this.#transport.instanceChannel(from), encodeProbe(this.#id, this.#heartbeatMs, probe.stamp, true));
      else if (probe !== undefined && channel === this.#ownChannel) this.stats.roundTrip(performance.now() - probe.stamp);
      if (isHello(frame)) void this.#sendNow(this.#transport.instanceChannel(from), encodeHeartbeat(this.#id, this.#heartbeatMs, false));
    } else if (kind === KIND_BYE) {
      this.#members.gone(from);
      this.#requests.gone(from);
    } else if (kind === KIND_REQUEST) {
      const request = decodeRequest(frame);
      if (request === undefined) return;
      void this.#answer(request, from).then((answer) => this.#sendNow(this.#transport.instanceChannel(from), encodeReply(this.#id, request.id, answer.status, answer.data)));
    } else if (kind === KIND_REPLY && channel === this.#ownChannel) {
      const reply = decodeReply(frame);
      if (reply !== undefined) this.#requests.settle(from, reply.id, reply);
    }
  };
}
