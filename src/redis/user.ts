// Sending to one user wherever they are connected: each of the user's sockets subscribes to the user's own
// topic, so a publish crosses the bus once and reaches only the instances where that user has sockets.

/** The topic a user's sockets subscribe to. "$" topics are the framework's: clients cannot `$join` them. */
export function userTopic(userId: string): string {
  return `$user:${userId}`;
}

/** Anything that publishes to a topic across instances: the app (`app.publish`) or a server plus bus. */
export interface TopicPublisher {
  publish(topic: string, data: string | Uint8Array, compress?: boolean): unknown;
}

/** Sends `data` to every socket of `userId`, on every instance (JSON-encodes objects). */
export function sendToUser(target: TopicPublisher, userId: string, data: string | Uint8Array | object): void {
  const payload = typeof data === "string" || data instanceof Uint8Array ? data : JSON.stringify(data);
  target.publish(userTopic(userId), payload);
}
