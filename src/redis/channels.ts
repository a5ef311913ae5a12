// The Redis channel names of one bus (prefix "bunwire:" by default): `<prefix>t:<topic>` per topic,
// `<prefix>i:<instance>` per instance, `<prefix>all` for heartbeats and cluster requests.

export class RedisChannels {
  readonly broadcastChannel: string;
  readonly #topicPrefix: string;
  readonly #instancePrefix: string;

  constructor(prefix: string) {
    this.broadcastChannel = `${prefix}all`;
    this.#topicPrefix = `${prefix}t:`;
    this.#instancePrefix = `${prefix}i:`;
  }

  instanceChannel(instance: string): string {
    return this.#instancePrefix + instance;
  }

  topicChannel(topic: string): string {
    return this.#topicPrefix + topic;
  }

  topicOf(channel: string): string | undefined {
    return channel.startsWith(this.#topicPrefix) ? channel.slice(this.#topicPrefix.length) : undefined;
  }
}
