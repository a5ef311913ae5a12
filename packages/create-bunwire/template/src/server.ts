// `npm start`: the chat on http://localhost:3000 (set PORT to change it).
import { createApp } from "./app.ts";

const app = await createApp();
app.listen(Number(process.env.PORT ?? 3000)); // prints "bunwire listening on http://localhost:3000"
app.closeOnSignals(); // Ctrl-C or SIGTERM: sockets get 1001, running handlers finish, then exit 0
