// Hono 4 on Bun, the HTTP scenario the way its docs show: two `app.use` middlewares and `c.json`.
import { Hono } from "hono";
import { AUTH_HEADER, HTTP_PATH, payload, TAG_HEADER, USER } from "./contract.ts";

const app = new Hono<{ Variables: { user: string } }>();
app.use(async (c, next) => {
  if (c.req.header("authorization") !== AUTH_HEADER) return c.text("unauthorized", 401);
  await next();
});
app.use(async (c, next) => {
  c.header(TAG_HEADER, "1");
  c.set("user", USER);
  await next();
});
app.get(HTTP_PATH, (c) => c.json(payload(c.get("user"))));

export const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
console.log(`PORT ${server.port}`);
