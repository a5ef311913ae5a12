// File routes served by a script instead of the CLI (`bunx bunwire serve examples/fs/app` does the same).
// Run: bun examples/fs/server.ts (PORT env, default 3000).
import { fileRoutes } from "bunwire/fs";

const router = await fileRoutes(new URL("./app", import.meta.url).pathname);
const server = router.serve({ port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${server.url}`);
