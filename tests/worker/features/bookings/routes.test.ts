/** GET /api/projects/:id/bookings: a cursor that is not one of ours is a 422 naming `cursor`, never a 5xx, and never logged. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, errorCode, newUser } from '../../../support/api';

afterEach(() => vi.restoreAllMocks());

describe('bookings cursor', () => {
  it.each([
    ['not base64', '%%%not-base64%%%'],
    ['base64 of garbage', btoa('\u00ff\u00fe|x')],
    ['a date V8 accepts and Postgres refuses', btoa('+275760-09-13T00:00:00.000Z|3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f')],
    ['a year Postgres cannot store', btoa('-271821-04-20T00:00:00.000Z|3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f')],
    ['a bad length', 'A'],
  ])('answers 422 REQ_004 for a cursor that is %s, and keeps it out of the logs', async (_, cursor) => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const owner = await newUser();
    const created = await call('POST', '/api/projects', { token: owner.token, body: { name: 'Cursor test' } });
    const { project } = (await created.json()) as { project: { id: string } };
    const response = await call('GET', `/api/projects/${project.id}/bookings?cursor=${encodeURIComponent(cursor)}`, { token: owner.token });
    expect(response.status).toBe(422);
    expect(await errorCode(response)).toBe('REQ_004');
    expect(lines.join('\n')).not.toContain(cursor);
  });
});
