// Sending to one user wherever they are connected. It lives in the engine now (every connection admitted with a
// user is subscribed to its user topic, on every front door, with or without a bus); re-exported here because
// `bunwire/redis` offered it first.
export { sendToUser, userTopic } from "../engine/open-connections.ts";
export type { TopicPublisher } from "../engine/open-connections.ts";
