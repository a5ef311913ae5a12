// `npm start`: the demo chat on one process with in-memory pub/sub. PORT sets the port (default 3000).
import { createDemo } from "./app.ts";

const app = await createDemo();
const server = app.listen(Number(process.env.PORT ?? 3000));
console.log(`bunwire demo chat: http://localhost:${server.port}  (open it in two tabs)`);
app.printRoutes();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.log("\nclosing: every socket gets 1001");
    void app.close().then(() => process.exit(0));
  });
}
