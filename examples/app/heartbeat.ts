// Seed 000 "Heartbeat / Keep-alive", with only the import changed; HEARTBEAT_MS shortens the seed's 30 s for tests.
import { bunwire } from 'bunwire';

const app = bunwire();
const every = Number(process.env.HEARTBEAT_MS ?? 30000);

app.ws('/stream', {
  open(ws) {
    // Send ping every 30 seconds
    const interval = setInterval(() => {
      if (ws.readyState === 1) {
        ws.send(JSON.stringify({ type: 'ping' }));
      } else {
        clearInterval(interval);
      }
    }, every);

    // Store interval for cleanup
    (ws as any).pingInterval = interval;
  },

  message(ws, message) {
    const data = JSON.parse(message.toString());
    if (data.type === 'pong') {
      // Client is alive
      return;
    }
    // Handle other messages
    ws.send(JSON.stringify({ type: 'ack', buffered: ws.bufferedAmount }));
  },

  close(ws) {
    clearInterval((ws as any).pingInterval);
  }
});

app.listen(Number(process.env.PORT ?? 3000));

export default app;
