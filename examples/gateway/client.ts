// Seed 003, "Client Connection Example", verbatim but for the port (PORT env, default 3100) and the last send:
// the seed sends before the socket is open, which throws InvalidStateError in browsers and in Bun alike, so
// it waits for "open" here. Runs in a browser console or with `bun client.ts` against room-chat.ts.
// Browser client
const ws = new WebSocket(`ws://localhost:${process.env.PORT ?? 3100}/ws/chat`);

ws.onopen = () => {
  console.log("Connected");
  ws.send(JSON.stringify({ type: "join", room: "general" }));
};

ws.onmessage = (event) => {
  const data = JSON.parse(event.data);
  console.log("Received:", data);
};

ws.onclose = () => {
  console.log("Disconnected");
};

// Send message
ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "message", text: "Hello!" })));

export {};
