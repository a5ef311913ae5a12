// Topic names become NATS subjects: plain names go as they are; anything a subject cannot carry
// (spaces, dots, the wildcards * and >) is base64url-encoded behind a "~", which plain names never contain.

const PLAIN = /^[A-Za-z0-9_:\-$]+$/;

export function subjectOf(prefix: string, topic: string): string {
  return PLAIN.test(topic) ? `${prefix}t.${topic}` : `${prefix}t.~${Buffer.from(topic).toString("base64url")}`;
}

export function topicOf(prefix: string, subject: string): string {
  const name = subject.slice(prefix.length + 2);
  return name.startsWith("~") ? Buffer.from(name.slice(1), "base64url").toString() : name;
}
