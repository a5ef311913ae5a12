// bunwire's App on the HTTP scenario, written as an Express user would: two `app.use` middlewares and a route.
import { bunwire, type Middleware } from "bunwire";
import { AUTH_HEADER, HTTP_PATH, payload, TAG_HEADER, USER } from "./contract.ts";

const auth: Middleware = (req, res, next) => {
  if (req.get("authorization") === AUTH_HEADER) next();
  else res.status(401).text("unauthorized");
};
const tag: Middleware = (_req, res, next) => {
  res.set(TAG_HEADER, "1");
  res.locals.user = USER;
  next();
};

const app = bunwire();
app.use(auth);
app.use(tag);
app.get(HTTP_PATH, (_req, res) => res.json(payload(res.locals.user as string)));
export const server = app.listen(0, "127.0.0.1");
console.log(`PORT ${server.port}`);
