/**
 * A fake Namecheap API for `npm run dev` and the tests, answering `namecheap.domains.check` and
 * `namecheap.domains.create` with the XML shapes of Namecheap's documentation, over GET (query)
 * or POST (form body) at `/xml.response`, and the same at `/relay/xml.response` (standing in for
 * the relay that a whitelisted IP needs; the request log says which was used).
 *
 * Credentials first, as Namecheap checks them: ApiUser missing 1010101, ApiKey missing 1010102,
 * wrong ApiUser/ApiKey 1011102, ClientIp missing 1010105, ClientIp not the whitelisted one
 * 1011150, UserName not the account 1016103, Command missing or unknown 1010104.
 *
 * Then the answer is chosen by the first label of the domain name(s):
 * - `taken-…`      check: Available="false"; create: error 3019166 (Domain not available)
 * - `premium-…`    check: available, IsPremiumName="true", PremiumRegistrationPrice="1250.0000";
 *                  create: needs IsPremiumDomain=True (else 2515623) and PremiumPrice=1250.00
 *                  (else 2515610)
 * - `errNNNNNNN-…` `<ApiResponse Status="ERROR">` with that Error Number (1011150, 1010105,
 *                  1011105, 1016103, 3031510, 3011511, … with Namecheap's text when known)
 * - `malformed-…`  200 with a truncated XML body
 * - `http503-…`    503 with an HTML body, as a failing relay or gateway answers
 * - `slow-…`       the normal answer after `slowMs` (default 20 s)
 * - anything else  available at the regular price; once created, a name is taken.
 * create also checks each contact's required fields (2010323) and phone format (2015182).
 *
 * `GET /__control/requests`: the request log (never the ApiKey), oldest first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readBody, send, sendJson } from '../../supabase/local/http';
import { startServer } from './common';
import type { FakeNamecheapRequest } from './records';

/** The port `npm run dev` serves it on (.dev.vars.example points NAMECHEAP_API_URL here). */
export const FAKE_NAMECHEAP_PORT = 8794;

export const FAKE_NAMECHEAP = {
  apiUser: 'kwq8local',
  apiKey: 'local-namecheap-api-key-not-a-secret',
  username: 'kwq8local',
  clientIp: '203.0.113.10',
};

const PREMIUM_PRICE = '1250.0000';

const ERROR_TEXT: Record<string, string> = {
  '1010101': 'Parameter APIUser is missing',
  '1010102': 'Parameter APIKey is missing',
  '1011102': 'API Key is invalid or API access has not been enabled',
  '1010104': 'Parameter Command is missing',
  '1010105': 'Parameter ClientIP is missing',
  '1011105': 'Parameter ClientIP is missing',
  '1016103': 'Parameter UserName is unauthorized',
  '1017150': 'Parameter RequestIP is disabled or locked',
  '3031510': 'Error response from Enom when the error count != 0',
  '3011511': 'Unknown response from provider',
  '3019166': 'Domain not available',
  '2515610': 'Prices do not match',
  '2515623': 'Domain is premium while considered regular or is regular while considered premium',
  '2015182': 'Contact phone is invalid. The phone number format is +NNN.NNNNNNNNNN',
};

const ROLES = ['Registrant', 'Tech', 'Admin', 'AuxBilling'];
const REQUIRED_CONTACT_FIELDS = [
  'FirstName',
  'LastName',
  'Address1',
  'City',
  'StateProvince',
  'PostalCode',
  'Country',
  'Phone',
  'EmailAddress',
];

function envelope(status: 'OK' | 'ERROR', command: string, errors: string, commandResponse = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<ApiResponse Status="${status}" xmlns="http://api.namecheap.com/xml.response">
  ${errors}
  <Warnings />
  <RequestedCommand>${escapeHtml(command)}</RequestedCommand>${commandResponse}
  <Server>FAKE-NAMECHEAP</Server>
  <GMTTimeDifference>--5:00</GMTTimeDifference>
  <ExecutionTime>0.012</ExecutionTime>
</ApiResponse>`;
}

function errorXml(number: string, command: string, text = ERROR_TEXT[number] ?? `Error ${number}`): string {
  return envelope('ERROR', command, `<Errors>\n    <Error Number="${number}">${escapeHtml(text)}</Error>\n  </Errors>`);
}

function okXml(command: string, results: string): string {
  return envelope('OK', command, '<Errors />', `\n  <CommandResponse Type="${command}">\n    ${results}\n  </CommandResponse>`);
}

const firstLabel = (domain: string) => domain.split('.')[0] ?? '';

export async function startFakeNamecheap({
  port = 0,
  slowMs = 20_000,
  ...credentials
}: { port?: number; slowMs?: number } & Partial<typeof FAKE_NAMECHEAP> = {}) {
  const account = { ...FAKE_NAMECHEAP, ...credentials };
  const requests: FakeNamecheapRequest[] = [];
  const registered = new Set<string>();
  let nextId = 1000;

  /** The error number the credentials earn, or undefined when they pass. */
  function credentialError(params: URLSearchParams): [string, string?] | undefined {
    if (!params.get('ApiUser')) return ['1010101'];
    if (!params.get('ApiKey')) return ['1010102'];
    if (params.get('ApiUser') !== account.apiUser || params.get('ApiKey') !== account.apiKey) return ['1011102'];
    const clientIp = params.get('ClientIp');
    if (!clientIp) return ['1010105'];
    if (clientIp !== account.clientIp) return ['1011150', `Invalid request IP: ${clientIp}`];
    if (params.get('UserName') !== account.username) return ['1016103'];
    return undefined;
  }

  function check(domains: string[]): string {
    const results = domains.map((domain) => {
      const premium = firstLabel(domain).startsWith('premium-');
      const available = !firstLabel(domain).startsWith('taken-') && !registered.has(domain);
      const price = premium ? PREMIUM_PRICE : '0';
      return `<DomainCheckResult Domain="${escapeHtml(domain)}" Available="${available}" ErrorNo="0" Description="" IsPremiumName="${premium}" PremiumRegistrationPrice="${price}" PremiumRenewalPrice="${price}" PremiumRestorePrice="0" PremiumTransferPrice="${price}" IcannFee="0" EapFee="0.0" />`;
    });
    return okXml('namecheap.domains.check', results.join('\n    '));
  }

  function create(params: URLSearchParams): string {
    const command = 'namecheap.domains.create';
    const domain = (params.get('DomainName') ?? '').toLowerCase();
    for (const role of ROLES) {
      for (const field of REQUIRED_CONTACT_FIELDS) {
        if (!params.get(`${role}${field}`))
          return errorXml('2010323', command, `Check the required field for ${role} contact: ${role}${field}`);
      }
      if (!/^\+\d{1,3}\.\d{4,14}$/.test(params.get(`${role}Phone`)!)) return errorXml('2015182', command);
    }
    const years = Number(params.get('Years'));
    if (!Number.isInteger(years) || years < 1 || years > 10) return errorXml('2015167', command, 'Validation error from Years');
    if (firstLabel(domain).startsWith('taken-') || registered.has(domain)) return errorXml('3019166', command);
    const premium = firstLabel(domain).startsWith('premium-');
    if (premium !== (params.get('IsPremiumDomain')?.toLowerCase() === 'true')) return errorXml('2515623', command);
    if (premium && Number(params.get('PremiumPrice')) !== Number(PREMIUM_PRICE)) return errorXml('2515610', command);
    registered.add(domain);
    const charged = premium ? Number(PREMIUM_PRICE) : 11.28 * years;
    nextId += 1;
    return okXml(
      command,
      `<DomainCreateResult Domain="${escapeHtml(domain)}" Registered="true" ChargedAmount="${charged.toFixed(4)}" DomainID="${nextId}" OrderID="${nextId + 500000}" TransactionID="${nextId + 900000}" WhoisguardEnable="false" NonRealTimeDomain="false" />`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse, via: 'api' | 'relay', url: URL) {
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') for (const [name, value] of new URLSearchParams(await readBody(req))) params.set(name, value);
    const command = params.get('Command');
    const domains = (
      command === 'namecheap.domains.create' ? [params.get('DomainName') ?? ''] : (params.get('DomainList') ?? '').split(',')
    )
      .map((domain) => domain.trim().toLowerCase())
      .filter(Boolean);
    requests.push({
      via,
      method: req.method ?? '',
      command,
      domains,
      clientIp: params.get('ClientIp'),
      idnCode: params.get('IdnCode'),
      at: new Date().toISOString(),
    });
    const xml = (body: string) => send(res, 200, body, { 'Content-Type': 'text/xml; charset=utf-8' });

    const denied = credentialError(params);
    if (denied) return xml(errorXml(denied[0], '', denied[1]));
    if (command !== 'namecheap.domains.check' && command !== 'namecheap.domains.create') return xml(errorXml('1010104', ''));
    const labels = domains.map(firstLabel);
    const forced = labels.map((label) => /^err(\d{7})-/.exec(label)?.[1]).find(Boolean);
    if (forced) return xml(errorXml(forced, command));
    if (labels.some((label) => label.startsWith('malformed-'))) {
      return xml(
        `<?xml version="1.0" encoding="utf-8"?>\n<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">\n  <CommandResponse Type="${command}">\n    <DomainCheckResult Domain="`,
      );
    }
    if (labels.some((label) => label.startsWith('http503-'))) {
      return send(res, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', { 'Content-Type': 'text/html' });
    }
    const answer = () => xml(command === 'namecheap.domains.check' ? check(domains) : create(params));
    if (labels.some((label) => label.startsWith('slow-'))) {
      const timer = setTimeout(answer, slowMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    answer();
  }

  const { url, close } = await startServer(port, async (req, res, url) => {
    if (url.pathname === '/xml.response') return handle(req, res, 'api', url);
    if (url.pathname === '/relay/xml.response') return handle(req, res, 'relay', url);
    if (req.method === 'GET' && url.pathname === '/__control/requests') return sendJson(res, 200, requests);
    return sendJson(res, 404, { error: 'not found' });
  });
  return {
    url,
    apiUrl: `${url}/xml.response`,
    relayUrl: `${url}/relay/xml.response`,
    ...account,
    requests: () => [...requests],
    close,
  };
}
