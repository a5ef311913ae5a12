// Seed 000 "Quick Start" and "Debugging", with only the import changed (bunway → bunwire).
import { bunwire } from 'bunwire';

const app = bunwire();

app.get('/', (req, res) => res.text('Hello'));

app.ws('/chat', {
  open(ws) {
    console.log('Client connected');
    ws.send('Welcome to the chat!');
  },
  message(ws, message) {
    console.log('Received:', message);
    ws.send(`Echo: ${message}`);
  },
  close(ws, code, reason) {
    console.log('Client disconnected:', code, reason);
  }
});

app.printRoutes();
app.listen(Number(process.env.PORT ?? 3000));

export default app;
