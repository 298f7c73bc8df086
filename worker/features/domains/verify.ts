/**
 * Proof that the owner controls an attached domain: the TXT record `_kwq8-verify.<name>` holds the
 * domain's token. Read through DNS-over-HTTPS (DOH_URL, the JSON API Cloudflare and Google serve:
 * `?name=&type=TXT` with `accept: application/dns-json`), since Workers have no resolver of their
 * own; the service then marks the domain active.
 */
import type { AuthUser } from '../../auth/middleware';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { fetchWithTimeout, httpFailure, isRecord, ProviderError } from '../../providers/http';
import { requestedName } from './check';
import { markVerified, projectDomains, verificationHost, type DbDomain } from './db';
import { domainSettings } from './settings';

const DOH_TIMEOUT_MS = 5_000;
const TXT = 16;
const NXDOMAIN = 3;

/** One TXT record's data as resolvers print it (`"part one" "part two"`), joined; unquoted data as it is. */
function txtValue(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, part]) => part!.replace(/\\(.)/g, '$1'));
  return parts.length ? parts.join('') : data;
}

/** The TXT values of `host`; empty when the name does not exist. */
export async function lookupTxt(dohUrl: string, host: string): Promise<string[]> {
  const url = new URL(dohUrl);
  url.searchParams.set('name', host);
  url.searchParams.set('type', 'TXT');
  const response = await fetchWithTimeout('doh', url.href, { headers: { accept: 'application/dns-json' } }, { timeoutMs: DOH_TIMEOUT_MS });
  if (!response.ok) throw httpFailure('doh', response.status);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ProviderError('doh', 'malformed', 'answer is not JSON');
  }
  if (!isRecord(body) || typeof body.Status !== 'number') throw new ProviderError('doh', 'malformed', 'answer has no Status');
  if (body.Status === NXDOMAIN) return [];
  if (body.Status !== 0) throw new ProviderError('doh', 'unavailable', `resolver status ${body.Status}`);
  const records = Array.isArray(body.Answer) ? body.Answer : [];
  return records
    .filter(
      (record): record is { type: number; data: string } => isRecord(record) && record.type === TXT && typeof record.data === 'string',
    )
    .map((record) => txtValue(record.data).trim());
}

/** Verifies one attached domain of the caller's project; an active one is returned as it is. */
export async function verifyDomain(env: Bindings, user: AuthUser, projectId: string, nameInput: string): Promise<DbDomain> {
  const name = requestedName(nameInput);
  const domain = (await projectDomains(env, user, projectId)).find((row) => row.name === name.ascii && row.kind === 'attach');
  if (!domain) throw new AppError('NOT_FOUND_002');
  if (domain.status === 'active') return domain;
  let values: string[];
  try {
    values = await lookupTxt(domainSettings(env).dohUrl, verificationHost(domain.name));
  } catch (error) {
    if (error instanceof ProviderError) throw new AppError('DOM_002', { cause: error });
    throw error;
  }
  if (!domain.verification_token || !values.includes(domain.verification_token)) throw new AppError('DOM_008');
  return markVerified(env, domain.id, domain.verification_token);
}
