/**
 * A fake DNS-over-HTTPS resolver for `npm run dev` and the tests, speaking the JSON API that
 * Cloudflare (https://cloudflare-dns.com/dns-query) and Google serve: `GET /dns-query?name=&type=`
 * with `accept: application/dns-json` answers `{Status, Question, Answer}`, TXT data quoted as
 * resolvers print it (strings over 255 characters split into quoted chunks). Names without records
 * answer NXDOMAIN (Status 3). Names with a label starting `servfail-` answer Status 2, `http500-`
 * a 500, and `slow-` answer after `slowMs` (default 20 s).
 *
 * Control (JSON):
 * - `POST /__control/records {name, type?: "TXT", values: string[]}` sets a name's records (an
 *   empty list removes them), e.g. the `_kwq8-verify.<domain>` token an attached domain needs:
 *   `curl -X POST localhost:8795/__control/records -d '{"name":"_kwq8-verify.example.com","values":["<token>"]}'`
 * - `GET /__control/requests`: the queries received, oldest first; `POST /__control/reset` forgets everything.
 */
import { send, sendJson } from '../../supabase/local/http';
import { HttpError, readControl, startServer } from './common';

export const FAKE_DOH_PORT = 8795;

const TYPES: Record<string, number> = { A: 1, CNAME: 5, TXT: 16, AAAA: 28 };

interface Query {
  name: string;
  type: string;
  accept: string | null;
  at: string;
}

/** One TXT string as resolvers print it: quoted, in chunks of at most 255 characters. */
const txtData = (value: string) => (value.match(/[\s\S]{1,255}/g) ?? ['']).map((chunk) => `"${chunk.replace(/["\\]/g, '\\$&')}"`).join(' ');

export async function startFakeDoh({ port = FAKE_DOH_PORT, slowMs = 20_000 }: { port?: number; slowMs?: number } = {}) {
  const records = new Map<string, string[]>();
  const queries: Query[] = [];
  const key = (name: string, type: string) => `${type.toUpperCase()} ${name.toLowerCase().replace(/\.$/, '')}`;

  const server = await startServer(port, async (req, res, url) => {
    if (url.pathname === '/dns-query' && req.method === 'GET') {
      const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '');
      const type = (url.searchParams.get('type') ?? 'A').toUpperCase();
      queries.push({ name, type, accept: req.headers.accept ?? null, at: new Date().toISOString() });
      const typeNumber = TYPES[type];
      if (!name || !typeNumber) return sendJson(res, 400, { error: 'name and a known type are required' });
      const labels = name.split('.');
      const marked = (prefix: string) => labels.some((label) => label.startsWith(prefix));
      if (marked('http500-')) return send(res, 500, 'internal error', { 'Content-Type': 'text/plain' });
      const values = records.get(key(name, type)) ?? [];
      const answer = {
        Status: marked('servfail-') ? 2 : values.length ? 0 : 3,
        TC: false,
        RD: true,
        RA: true,
        AD: false,
        CD: false,
        Question: [{ name: `${name}.`, type: typeNumber }],
        ...(values.length && !marked('servfail-')
          ? {
              Answer: values.map((value) => ({
                name: `${name}.`,
                type: typeNumber,
                TTL: 300,
                data: type === 'TXT' ? txtData(value) : value,
              })),
            }
          : {}),
      };
      const reply = () => sendJson(res, 200, answer, { 'Content-Type': 'application/dns-json' });
      if (marked('slow-')) {
        const timer = setTimeout(reply, slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      return reply();
    }
    if (url.pathname === '/__control/records' && req.method === 'POST') {
      const body = await readControl(req);
      const values = body.values;
      if (typeof body.name !== 'string' || !Array.isArray(values) || !values.every((value) => typeof value === 'string')) {
        throw new HttpError(400, { error: 'name and values (strings) are required' });
      }
      const recordKey = key(body.name, typeof body.type === 'string' ? body.type : 'TXT');
      if (values.length) records.set(recordKey, values as string[]);
      else records.delete(recordKey);
      return sendJson(res, 200, { name: body.name, values });
    }
    if (url.pathname === '/__control/requests' && req.method === 'GET') return sendJson(res, 200, queries);
    if (url.pathname === '/__control/reset' && req.method === 'POST') {
      records.clear();
      queries.length = 0;
      return sendJson(res, 200, { reset: true });
    }
    return sendJson(res, 404, { error: 'not found' });
  });
  return {
    url: server.url,
    dohUrl: `${server.url}/dns-query`,
    setRecords: (name: string, values: string[], type = 'TXT') => {
      if (values.length) records.set(key(name, type), values);
      else records.delete(key(name, type));
    },
    queries: () => [...queries],
    close: server.close,
  };
}
