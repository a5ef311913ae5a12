// Seed 001, "Client-Side Usage", verbatim except the port: PORT env, default 3000 as in the seed.
// Run: bun examples/fs/client.ts while `bunx bunwire serve examples/fs/app` runs.
// In browser
const ws = new WebSocket(`ws://localhost:${process.env.PORT ?? 3000}/ws/custom`);

ws.onopen = () => {
  console.log("Connected");
  ws.send("Hello server!");
};

ws.onmessage = (event) => {
  console.log("Received:", event.data);
};

ws.onclose = () => {
  console.log("Disconnected");
};

ws.onerror = (error) => {
  console.error("Error:", error);
};

export {};
