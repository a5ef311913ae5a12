// bunwire through the file-route front door: `fileRoutes("fs-app")` served on its own. Paths come from folders
// (fs-app/ws/echo/route.ts serves /ws/echo), so this server's paths carry the /ws and /sockets prefixes.

import { fileRoutes } from "bunwire/fs";

const router = await fileRoutes(new URL("./fs-app", import.meta.url).pathname);
const server = router.serve({ port: 0, hostname: "127.0.0.1" });
console.log(`PORT ${server.port}`);
