// Seed 000's session, middleware and notification examples, in our words: a login route stores the user in the
// session; one middleware guards both an HTTP route and WebSocket routes (it runs before the upgrade, so a
// visitor without a session gets 401 and never a socket); placing an order over HTTP notifies the user's open socket.
import { bunwire, rateLimit, session, type BunWebSocket, type Middleware } from 'bunwire';

const app = bunwire();
app.use(session({ secret: process.env.SESSION_SECRET ?? 'dev-only-secret' }));
app.use(rateLimit({ windowMs: 60_000, max: 1000 }));

// Refuses anyone whose session has no user: an HTTP request gets the 401, an upgrade is refused with it.
const requireUser: Middleware = (req, res, next) => {
  if (!req.session.userId) return res.status(401).json({ error: 'Unauthorized' });
  next();
};

app.post('/login', (req, res) => {
  req.session.userId = req.body.userId;   // writing to the session stores it and sets its cookie
  res.json({ ok: true });
});

app.ws('/protected', requireUser, {
  open(ws) {
    ws.send(`hello ${ws.data.req.session.userId}`);
  },
});

// The upgrade request stays on ws.data.req: its session and headers are readable for the socket's whole life.
app.ws('/user', {
  open(ws) {
    const userId = ws.data.req.session?.userId ?? null;
    ws.send(JSON.stringify({ userId, userAgent: ws.data.req.get('user-agent') }));
  },
});

// One socket per logged-in user, so HTTP routes can reach them.
const socketsByUser = new Map<string, BunWebSocket>();
app.ws('/notifications', requireUser, {
  open(ws) {
    socketsByUser.set(ws.data.req.session.userId, ws);
  },
  close(ws) {
    socketsByUser.delete(ws.data.req.session.userId);
  },
});

function notify(userId: string, event: object): void {
  socketsByUser.get(userId)?.send(JSON.stringify(event));
}

let orderCount = 0;
async function placeOrder(details: { item: string }) {
  return { id: `order-${++orderCount}`, ...details };
}

app.post('/api/order', requireUser, async (req, res) => {
  const order = await placeOrder(req.body);
  notify(req.session.userId, { type: 'order_created', orderId: order.id });
  res.json(order);
});

app.listen(Number(process.env.PORT ?? 3000));

export default app;
