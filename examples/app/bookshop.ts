// The App's HTTP side the way an Express user writes it: a JSON API on an httpRouter mounted under /api/books,
// param() loading the book, a per-route body limit for cover uploads (multipart, files as File), static files,
// CORS for a front-end on another origin, a session, and one error middleware that shapes every failure as JSON.
import { join } from 'node:path';
import { bunwire, cors, httpRouter, serveStatic, session, type ErrorMiddleware } from 'bunwire';

interface Book { id: string; title: string }

const app = bunwire({ bodyLimit: 64 * 1024 });          // JSON bodies up to 64 KiB; 413 past that

app.use(cors({ origin: ['http://localhost:5173'], credentials: true, maxAge: 600 }));
app.use(session({ secret: process.env.SESSION_SECRET ?? 'dev-only-secret' }));
app.use('/assets', serveStatic(join(import.meta.dir, 'public'), { maxAge: 60_000 }));

const shelf = new Map<string, Book>([['1', { id: '1', title: 'The Left Hand of Darkness' }]]);
let nextId = 2;

const books = httpRouter();
books.param('id', (req, res, next, id) => {
  const book = shelf.get(id);
  if (!book) return res.status(404).json({ error: `no book ${id}` });
  res.locals.book = book;
  next();
});
books
  .route('/')
  .get((req, res) => res.json([...shelf.values()]))
  .post((req, res) => {
    if (!req.session.user) return res.status(401).json({ error: 'log in first' });
    const title = typeof req.body?.title === 'string' ? req.body.title.trim() : '';
    if (!title) return res.status(400).json({ error: 'a title is required' });
    const book = { id: String(nextId++), title };
    shelf.set(book.id, book);
    res.status(201).location(`${req.baseUrl}/${book.id}`).json(book);
  });
books
  .route('/:id')
  .get((req, res) => res.json(res.locals.book))
  .delete((req, res) => {
    shelf.delete(req.params.id);
    res.sendStatus(204);
  });
// Covers are bigger than the App's limit: this one route accepts 5 MiB.
books.post('/:id/cover', { bodyLimit: 5 * 1024 * 1024 }, (req, res) => {
  const cover = req.body?.cover;
  if (!(cover instanceof File)) throw Object.assign(new Error('send the cover as a file field named "cover"'), { status: 400 });
  res.status(201).json({ book: req.params.id, bytes: cover.size, type: cover.type });
});
app.use('/api/books', books);

app.post('/login', (req, res) => {
  req.session.user = String(req.body?.user ?? 'guest');
  res.json({ user: req.session.user });
});

// Every failure as JSON: thrown errors with a status, 413 for big bodies, 400 for malformed JSON.
const asJson: ErrorMiddleware = (error, req, res, next) => {
  const status = (error as { status?: number }).status ?? 500;
  res.status(status).json({ error: status < 500 ? (error as Error).message : 'something went wrong' });
};
app.use(asJson);

app.listen(Number(process.env.PORT ?? 3000));

export default app;
