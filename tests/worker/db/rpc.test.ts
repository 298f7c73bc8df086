/**
 * What a failed RPC leaves in the logs: Postgres quotes the value it could not take in its
 * message, and that value came from a client (a cursor, a body field), so the logged cause keeps
 * the SQLSTATE and the shape of the message but not the value.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { rpc } from '../../../worker/db/rpc';
import { AppError } from '../../../worker/errors/app-error';
import { createLogger } from '../../../worker/log/logger';
import { newUser } from '../../support/api';
import { CLIENT_CANARY, leaksIn } from '../../support/log-audit-reporter';

describe('rpc failures in the logs', () => {
  it.each([
    ['get_project', { p_project_id: `${CLIENT_CANARY}-not-a-uuid` }],
    ['project_bookings', { p_project_id: crypto.randomUUID(), p_limit: 5, p_before_starts_at: `${CLIENT_CANARY} 2026`, p_before_id: null }],
  ])('%s with a value Postgres refuses: the cause is logged without the value', async (fn, args) => {
    const user = await newUser();
    const error = await rpc(env, fn, args, user).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    const lines: string[] = [];
    createLogger('req-12345678', (line) => lines.push(line)).error('request.failed', {
      code: (error as AppError).code,
      cause: (error as AppError).cause,
    });
    expect(leaksIn(lines[0]!)).toEqual([]);
    expect(JSON.parse(lines[0]!).cause).toMatchObject({ code: expect.stringMatching(/^22/), message: expect.stringContaining('"…"') });
  });
});
