// Elysia 1.4, the HTTP scenario the way its docs show: a beforeHandle guard and a derive that tags the response
// and names the user (Elysia's two "middlewares"), and a handler returning the object.
import { Elysia } from "elysia";
import { AUTH_HEADER, HTTP_PATH, payload, TAG_HEADER, USER } from "./contract.ts";

const app = new Elysia()
  .onBeforeHandle(({ request, set }) => {
    if (request.headers.get("authorization") !== AUTH_HEADER) {
      set.status = 401;
      return "unauthorized";
    }
  })
  .derive(({ set }) => {
    set.headers[TAG_HEADER.toLowerCase()] = "1";
    return { user: USER };
  })
  .get(HTTP_PATH, ({ user }) => payload(user))
  .listen({ hostname: "127.0.0.1", port: 0 });

export const server = app.server!;
console.log(`PORT ${server.port}`);
