// Seed 000 "Middleware Support", "WebSocket Data" and "Real-time Notifications", with only the import changed.
// The seed leaves out how a session gets its userId and what createOrder is: /login and createOrder below fill
// those gaps so the example runs end to end.
import { bunwire, session, rateLimit, type BunWebSocket, type Middleware } from 'bunwire';

const app = bunwire();

app.use(session({ secret: 'my-secret' }));
app.use(rateLimit({ windowMs: 60_000, max: 1000 }));

// Middleware runs before upgrade
const authMiddleware: Middleware = (req, res, next) => { // typed for strict TypeScript
  if (!req.session.userId) {
    return res.status(401).json({ error: 'Unauthorized' });
  }
  next();
};

app.ws('/protected', authMiddleware, {
  open(ws) {
    // User is authenticated
    console.log('Authenticated user connected');
  },
  message(ws, message) {
    // Handle message
  }
});

app.ws('/user', {
  open(ws) {
    // Access the original request
    const userId = ws.data.req.session?.userId;
    const userAgent = ws.data.req.get('user-agent');
    ws.send(JSON.stringify({ userId: userId ?? null, userAgent }));
  }
});

const userConnections = new Map<string, BunWebSocket>();

app.ws('/notifications', authMiddleware, {
  open(ws) {
    const userId = ws.data.req.session.userId;
    userConnections.set(userId, ws);
  },

  close(ws) {
    const userId = ws.data.req.session.userId;
    userConnections.delete(userId);
  }
});

// Send notification from anywhere
function notifyUser(userId: string, notification: object) {
  const ws = userConnections.get(userId);
  if (ws) {
    ws.send(JSON.stringify(notification));
  }
}

// Use in HTTP routes
app.post('/api/order', async (req, res) => {
  const order = await createOrder(req.body);
  notifyUser(req.session.userId, {
    type: 'order_created',
    orderId: order.id
  });
  res.json(order);
});

// Not in the seed: how a user logs in, and the order store.
app.post('/login', (req, res) => {
  req.session.userId = req.body.userId;
  res.json({ ok: true });
});
let orders = 0;
async function createOrder(details: { item: string }) {
  return { id: `order-${++orders}`, ...details };
}

app.listen(Number(process.env.PORT ?? 3000));

export default app;
