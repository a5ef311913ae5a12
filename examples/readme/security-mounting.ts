// README "Security and limits": the mounting rule, kept here so tsc checks it.
import { bunwire } from "bunwire";
import { Router } from "bunwire/router";

const partners = new Router({ allowedOrigins: "https://partner.example.com", maxConnections: 1_000 });
partners.websocket({ message: (ws, message) => void ws.send(message) });

const app = bunwire({ allowedOrigins: "https://app.example.com" });
app.use("/partners", partners); // only partner.example.com, at most 1 000 sockets; the App's routes keep theirs
app.listen(3000);
app.closeOnSignals();
