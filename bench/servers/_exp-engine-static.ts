// Idle-memory experiment (bench/findings.md): a bare Engine with one static route, nothing else loaded.
import { Engine } from "../../src/engine/index.ts";
const engine = new Engine({ websocket: { perMessageDeflate: false } });
engine.addSocketRoute({ path: "/echo", handlers: { message(ws, m) { ws.send(m); } }, admit: () => ({ data: {} }) });
const server = engine.listen({ port: 0, hostname: "127.0.0.1", http: (req) => engine.notFound(req) });
console.log(`PORT ${server.port}`);
