// File routes served by a script instead of the CLI (`bunx bunwire serve examples/fs/app` does the same).
// Run: bun examples/fs/server.ts (PORT env, default 3000).
import { fileRoutes } from "bunwire/fs";

const files = await fileRoutes(new URL("./app", import.meta.url).pathname);
files.listen(Number(process.env.PORT ?? 3000)); // prints "bunwire listening on http://..."
files.closeOnSignals();
