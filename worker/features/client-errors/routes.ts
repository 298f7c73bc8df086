/**
 * POST /api/client-errors: errors from visitors' browsers (site/src/lib/client-errors.ts), stored
 * in error_log. Public, so limited per IP; personal data is scrubbed again here (the browser
 * already tries), and the page URL is kept without its query or fragment. Always answers 202:
 * a report is best effort and never worth a retry.
 */
import { Hono } from 'hono';
import { clientErrorBody } from '../../../shared/schemas';
import { rpc } from '../../db/rpc';
import type { AppEnv } from '../../env';
import { redactText } from '../../log/redact';
import { validate } from '../../middleware/validate';
import { rateLimitByIp } from '../../rate-limit/middleware';

/** The page's path only: queries and fragments may carry tokens (magic links) or contact details. */
function pagePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? '';
  }
}

export const clientErrors = new Hono<AppEnv>().post('/', rateLimitByIp('client_errors'), validate('json', clientErrorBody), async (c) => {
  const { message, url, stack } = c.req.valid('json');
  const stored = await rpc<boolean>(
    c.env,
    'record_client_error',
    { p_message: redactText(message), p_route: redactText(pagePath(url)), p_detail: stack ? redactText(stack) : null },
    'service',
  );
  return c.json({ stored }, 202);
});
