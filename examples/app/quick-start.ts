// Seed 000's first steps, in our words: one HTTP route and one WebSocket route on the same App, and the route
// listing it prints. Connect with `new WebSocket("ws://localhost:3000/chat")`.
import { bunwire } from 'bunwire';

const app = bunwire();

app.get('/', (req, res) => res.text('Hello'));

app.ws('/chat', {
  open(ws) {
    console.log('a client joined');
    ws.send('Welcome to the chat!');
  },
  message(ws, message) {
    console.log('got', message);
    ws.send(`Echo: ${message}`);
  },
  close(ws, code, reason) {
    console.log('a client left', code, reason);
  },
});

app.printRoutes();   // GET     /
                     // WS      /chat
app.listen(Number(process.env.PORT ?? 3000));

export default app;
