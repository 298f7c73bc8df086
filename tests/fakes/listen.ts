/**
 * Serves a fake's handler on 127.0.0.1 (a free port unless given): a handler that throws answers
 * 400, and closing ends hung requests too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../../supabase/local/http';

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export async function serve(handler: FakeHandler, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res, new URL(req.url ?? '/', 'http://fake')))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 400, { error: 'bad request' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
