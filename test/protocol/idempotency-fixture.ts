// A shop for idempotency tests: `pay` counts its runs (what "ran once" means) and can be held at a gate, so a test
// cuts the connection or sends a retry while the first run is still going. Served by real bunwire Apps, each
// instance with its own counter; connections carry the user named in `?user=` when there is one.

import { z } from "zod";
import { BunwireError, bunwire, type App, type BunwireRequest } from "../../src/index.ts";
import { defineProtocol, type IdempotencyOptions } from "../../src/protocol/index.ts";

export const shop = defineProtocol({
  name: "shop",
  client: {
    pay: z.object({ amount: z.number() }),
    refund: z.object({ amount: z.number() }),
    decline: z.object({}),
  },
  server: {},
  acks: { pay: z.object({ receipt: z.string() }) },
});

/** Holds every `pay` run until `open()`; `entered` resolves when a run is waiting at it. */
export class Gate {
  private opened: Promise<void> | undefined;
  private openIt: () => void = () => {};
  private reached: (() => void)[] = [];

  close(): void {
    this.opened = new Promise((resolve) => (this.openIt = resolve));
  }
  open(): void {
    this.openIt();
    this.opened = undefined;
  }
  async pass(): Promise<void> {
    for (const wake of this.reached.splice(0)) wake();
    if (this.opened !== undefined) await this.opened;
  }
  entered(): Promise<void> {
    return new Promise((resolve) => this.reached.push(resolve));
  }
}

export interface ShopInstance {
  app: App;
  port: number;
  url(user?: string): string;
  /** `pay` runs on this instance. */
  runs: number;
  readonly gate: Gate;
  close(): Promise<void>;
}

export function shopInstance(idempotency: boolean | IdempotencyOptions | undefined, name = "A", onRun?: (run: number) => void): ShopInstance {
  const app = bunwire({ development: false });
  const instance: ShopInstance = {
    app,
    port: 0,
    url: (user) => `ws://127.0.0.1:${instance.port}/shop${user === undefined ? "" : `?user=${user}`}`,
    runs: 0,
    gate: new Gate(),
    close: () => app.close(),
  };
  const handlers = shop.handle(
    {
      async pay(_ws, { amount }) {
        const run = ++instance.runs;
        onRun?.(run);
        await instance.gate.pass();
        return { receipt: `${name}#${run}:${amount}` };
      },
      refund: () => undefined,
      decline() {
        instance.runs++;
        throw new BunwireError("DECLINED", "card declined");
      },
    },
    { idempotency, onError: () => {} },
  );
  app.ws("/shop", {
    ...handlers,
    upgrade: (req: BunwireRequest) => {
      const user = req.query.user;
      return typeof user === "string" ? { user } : true;
    },
  });
  instance.port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
  return instance;
}
