// `clusterSubscriberCount` on the cluster request primitive: a `$count` request goes to the instances with
// local subscribers on the topic (the others answer "none" without running anything), each answers its own
// count, the asker included, and the sum of what arrived within the timeout is the answer.

import type { Bus } from "./contract.ts";

export const COUNT_REQUEST = "$count";

/** Subscribers of `topic` across every instance that answered in time (this one always does). */
export async function clusterSubscriberCount(bus: Bus, topic: string): Promise<number> {
  const { replies } = await bus.request(COUNT_REQUEST, "", { topic });
  let sum = 0;
  for (const reply of replies) {
    const count = Number(reply.data);
    if (Number.isSafeInteger(count) && count > 0) sum += count;
  }
  return sum;
}

/** Makes `bus` answer `$count` with this instance's local count (bunwire's buses do it at construction). */
export function answerSubscriberCounts(bus: Pick<Bus, "onRequest">, localCount: (topic: string) => number): () => void {
  return bus.onRequest(COUNT_REQUEST, (_data, { topic }) => String(topic === undefined ? 0 : localCount(topic)));
}
