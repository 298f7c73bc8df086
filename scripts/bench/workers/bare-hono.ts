/**
 * Comparison Worker for `npm run bench` (section 1): a bare Hono app with one JSON route, bundled
 * and started exactly like the KWq8 Worker, as the floor for bundle size and start-up CPU.
 */
import { Hono } from 'hono';

const app = new Hono();
app.get('/api/health', (c) => c.json({ ok: true }));

export default app;
