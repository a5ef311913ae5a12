// Compile-time checks of route params: `:name` is always a string, `:name?` may be absent (a request to `/o`
// gets `req.params` = {}), `*` is always there, and a path only known at run time gives a string record.

import { bunwire, type ParamsOf } from "bunwire";

const app = bunwire();
app.get("/users/:id/posts/:page?", (req, res) => {
  const id: string = req.params.id;
  // @ts-expect-error an optional param may be undefined
  const page: string = req.params.page;
  res.send(`${id} ${page} ${req.params.page?.length ?? 0}`);
});
app.ws("/rooms/:room/:mode?", {
  open(ws) {
    const room: string = ws.data.params.room;
    const mode: string | undefined = ws.data.params.mode;
    ws.send(`${room} ${mode ?? "default"}`);
  },
});

const wildcard: ParamsOf<"/files/*"> = { "*": "a/b.txt" };
const optional: ParamsOf<"/o/:opt?"> = {};
const dynamic: ParamsOf<string> = { anything: "x" };
// @ts-expect-error a required param cannot be left out
const missing: ParamsOf<"/users/:id"> = {};
export { dynamic, missing, optional, wildcard };
