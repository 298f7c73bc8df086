/**
 * A pass-through HTTP proxy in front of the local stack, for the JWKS failure tests: it counts the
 * requests for the JWKS and, when told to, holds them without answering (a hanging key endpoint)
 * until released. Everything else goes straight through.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const JWKS_PATH = '/auth/v1/.well-known/jwks.json';

export interface JwksProxy {
  url: string;
  /** JWKS requests seen since start (held ones included). */
  fetches(): number;
  hang(): void;
  /** Stops hanging and answers every request still held. */
  release(): void;
  close(): Promise<void>;
}

export async function startJwksProxy(targetPort: number): Promise<JwksProxy> {
  let fetches = 0;
  let hanging = false;
  let held: Array<() => void> = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== JWKS_PATH) return forward(req, res);
    fetches += 1;
    if (hanging) held.push(() => forward(req, res));
    else forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    fetches: () => fetches,
    hang: () => void (hanging = true),
    release() {
      hanging = false;
      const waiting = held;
      held = [];
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
