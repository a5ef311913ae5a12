// A @SubscribeMessage method that throws is reported as the App, Router and file routes report a typed handler:
// onError's source names the typed event, so the log line reads `HANDLER_ERROR in handler of "boom"`.
import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { defineProtocol, type ErrorSource } from "../../src/index.ts";
import { connect } from "../../src/client/index.ts";
import { Application, SubscribeMessage, WebSocketGateway } from "../../src/gateway/index.ts";

const ops = defineProtocol({ name: "ops", client: { boom: z.object({}) }, server: {} });
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

test("a throwing @SubscribeMessage reaches onError with its typed event's name", async () => {
  const reported: Array<{ message: string; source: ErrorSource }> = [];
  @WebSocketGateway("/ops", { protocol: ops })
  class OpsGateway {
    @SubscribeMessage("boom")
    boom() {
      throw new Error("kaput");
    }
  }
  const app = new Application({ development: false, globalRegistry: false, onError: (error, source) => void reported.push({ message: (error as Error).message, source }) }).registerGateway(OpsGateway);
  const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
  closers.push(() => app.close());
  const client = connect<typeof ops>(`ws://127.0.0.1:${port}/ops`, { heartbeat: false });
  closers.push(() => client.close());
  await expect(client.request("boom", {})).rejects.toMatchObject({ code: "HANDLER_ERROR" });
  expect(reported.map(({ message, source }) => ({ message, kind: source.kind, event: (source as { event?: string }).event, typedEvent: (source as { typedEvent?: string }).typedEvent }))).toEqual([
    { message: "kaput", kind: "websocket", event: "message", typedEvent: "boom" },
  ]);
});
