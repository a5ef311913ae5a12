// The NATS subjects of one bus (prefix "bunwire." by default): `<prefix>t.<topic>` per topic, `<prefix>i.<id>`
// per instance, `<prefix>all` for heartbeats and cluster requests. Plain topic names go as they are; anything a
// subject cannot carry (spaces, dots, the wildcards * and >) is base64url-encoded behind a "~", which plain
// names never contain.

const PLAIN = /^[A-Za-z0-9_:\-$]+$/;

export class NatsSubjects {
  readonly broadcastChannel: string;
  readonly #topicPrefix: string;
  readonly #instancePrefix: string;

  constructor(prefix: string) {
    this.broadcastChannel = `${prefix}all`;
    this.#topicPrefix = `${prefix}t.`;
    this.#instancePrefix = `${prefix}i.`;
  }

  instanceChannel(instance: string): string {
    return this.#instancePrefix + instance;
  }

  topicChannel(topic: string): string {
    return PLAIN.test(topic) ? this.#topicPrefix + topic : `${this.#topicPrefix}~${Buffer.from(topic).toString("base64url")}`;
  }

  topicOf(subject: string): string | undefined {
    if (!subject.startsWith(this.#topicPrefix)) return undefined;
    const name = subject.slice(this.#topicPrefix.length);
    return name.startsWith("~") ? Buffer.from(name.slice(1), "base64url").toString() : name;
  }
}
