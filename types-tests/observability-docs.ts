// The snippets of README "Observability" and docs/OBSERVABILITY.md, type-checked (never run): `tsc --noEmit` in
// `npm test` fails if the docs drift.

import pino from "pino";
import { bunwire } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application } from "bunwire/gateway";
import { observe } from "bunwire/metrics";
import { redisBus, redisPresence } from "bunwire/redis";
import { Router } from "bunwire/router";

export function readme(): void {
  const url = process.env.REDIS_URL!;
  const presence = redisPresence({ url });
  const app = bunwire({
    bus: redisBus({ url }),
    logger: pino(),
    drainDelay: 10_000,
  });
  app.use(observe({ token: process.env.INSPECTOR_TOKEN, presence }));
  app.ws("/chat/:room", {
    open(ws) { ws.subscribe(ws.data.params.room!); },
    message(ws, message) { ws.publish(ws.data.params.room!, message); },
  });
  app.listen(3000);
  app.closeOnSignals();
}

export async function mounting(): Promise<void> {
  const token = process.env.INSPECTOR_TOKEN;
  bunwire().use(observe({ token }));
  new Router().use(observe({ token }));
  (await fileRoutes("./app")).use(observe({ token }));
  new Application({ port: 3000 }).use(observe({ token }));
  new Router().use("/ops", observe());
}

export function tail(app: ReturnType<typeof bunwire>, token: string): void {
  app.use(observe({
    token,
    inspector: {
      tail: {
        maxLength: 120,
        redact: (data, topic) => (topic.startsWith("dm:") ? undefined : typeof data === "string" ? JSON.parse(data).type : data),
      },
    },
  }));
}

declare const pool: { query(sql: string): Promise<{ rowCount: number }> };
declare const db: { ping(): Promise<boolean> };

export function health(app: ReturnType<typeof bunwire>): void {
  app.use(observe({ health: { checks: { db: async () => (await pool.query("select 1")).rowCount === 1 } } }));
  app.use(observe({ health: { checks: { db: () => db.ping() } } }));
  const k8s = bunwire({ drainDelay: 10_000, shutdownTimeout: 15_000 });
  k8s.use(observe());
  k8s.listen(3000);
  k8s.closeOnSignals();
}
