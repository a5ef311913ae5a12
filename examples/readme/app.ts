// The README's side-by-side snippets, kept here so `tsc` checks them against the real API (not run by tests).
import { bunwire } from "bunwire";

const app = bunwire();
app.ws("/chat/:room", {
  open(ws) { ws.subscribe(ws.data.params.room); },
  message(ws, msg) {
    ws.publish(ws.data.params.room, msg);
  },
});
if (import.meta.main) app.listen(3000);
