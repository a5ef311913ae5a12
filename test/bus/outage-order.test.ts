// A publish can be in flight when the broker goes away, and its failure can come back after the bus has already
// buffered later publishes (Redis: the subscriber connection reports the drop first, the publisher's write fails
// afterwards). The resend must still be in publish order. The real TransportBus over the in-process broker, with
// that fault injected into the publishing instance's transport.
import { expect, test } from "bun:test";
import { MemoryBroker, MemoryTransport, memoryBus } from "../support/memory-transport.ts";

test("a publish whose write fails after later publishes were buffered is resent in its place, once", async () => {
  const broker = new MemoryBroker();
  const faulty = new MemoryTransport(broker);
  // Quiet: the outage is injected on purpose.
  const publisher = memoryBus(broker, { transport: faulty, logger: { warn() {}, info() {} } });
  const receiver = memoryBus(broker);
  const received: string[] = [];
  await publisher.connect(() => {});
  await receiver.connect((_topic, data) => received.push(String(data)));
  await receiver.subscribe("news");

  const settle = () => new Promise((resolve) => setImmediate(resolve)).then(() => Bun.sleep(1));
  publisher.publish("news", "p1", false);
  await settle();
  expect(received).toEqual(["p1"]);

  faulty.hang(); // p2 is written and in flight when the connection drops
  publisher.publish("news", "p2", false);
  await settle();
  faulty.down("subscriber connection closed"); // reported before p2's write fails
  publisher.publish("news", "p3", false);
  publisher.publish("other", "o1", false);
  publisher.publish("news", "p4", false);
  faulty.fail(); // now p2's write fails
  await settle();
  expect(received).toEqual(["p1"]);

  await receiver.subscribe("other");
  faulty.up();
  await settle();
  await settle();
  expect(received).toEqual(["p1", "p2", "p3", "o1", "p4"]);
  expect(publisher.stats.dropped).toBe(0);
  await Promise.all([publisher.close(), receiver.close()]);
});
