/**
 * One project's domains: search a name (Arabic names also shown as punycode), buy an available one
 * on the provider's page (the registrant contact is checked here with the API's own rules before
 * any payment; it starts as the owner's last registrant, or with the sign-in address), or connect a
 * domain the owner already has (DNS records to copy, then verify). The list shows each domain's
 * status as the API has it now; a registration in progress can be refreshed. After a checkout the panel of that project opens
 * again when the payer comes back.
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { toast } from 'sonner';
import { domainContact, type DomainContactInput } from '../../../../shared/domain-contacts';
import { parseDomainName } from '../../../../shared/domain-name';
import { isolate } from '../../i18n';
import { supabase } from '../../lib/api';
import { formatDate, formatFils, formatList } from '../../lib/format';
import { Rich, useCalm, useI18n } from '../common';
import { useApi, type DomainAdded, type DomainCheck, type Project, type ProjectDomain } from './data';

/** A purchase's answer carries the checkout; an attached domain's does not. */
const isPurchase = (answer: DomainAdded): answer is Extract<DomainAdded, { checkout: unknown }> => 'checkout' in answer;

type Method = 'knet' | 'card' | 'stripe';
const METHODS: readonly Method[] = ['knet', 'card', 'stripe'];

/** The registrant fields the form asks for (jobTitle is left out), with what browsers may fill in. */
const CONTACT_FIELDS = [
  { field: 'firstName', autoComplete: 'given-name' },
  { field: 'lastName', autoComplete: 'family-name' },
  { field: 'organizationName', autoComplete: 'organization', optional: true },
  { field: 'address1', autoComplete: 'address-line1' },
  { field: 'address2', autoComplete: 'address-line2', optional: true },
  { field: 'city', autoComplete: 'address-level2' },
  { field: 'stateProvince', autoComplete: 'address-level1' },
  { field: 'postalCode', autoComplete: 'postal-code' },
  { field: 'country', autoComplete: 'country', maxLength: 2 },
  { field: 'phone', autoComplete: 'tel', type: 'tel' },
  { field: 'email', autoComplete: 'email', type: 'email' },
] as const satisfies ReadonlyArray<{
  field: keyof DomainContactInput;
  autoComplete: string;
  optional?: true;
  maxLength?: number;
  type?: 'tel' | 'email';
}>;

type ContactField = (typeof CONTACT_FIELDS)[number]['field'];
type Contact = Record<ContactField, string>;
type ContactProblem = 'required' | 'latin' | 'phone' | 'email' | 'country';

const EMPTY_CONTACT: Contact = {
  firstName: '',
  lastName: '',
  organizationName: '',
  address1: '',
  address2: '',
  city: '',
  stateProvince: '',
  postalCode: '',
  country: 'KW',
  phone: '+965.',
  email: '',
};

/** Why a contact field would be refused (shared/domain-contacts.ts decides), or null. */
function contactProblem(field: ContactField, value: string): ContactProblem | null {
  if (domainContact().shape[field].safeParse(value).success) return null;
  if (!value.trim()) return 'required';
  return field === 'phone' || field === 'email' || field === 'country' ? field : 'latin';
}

/** Arabic-Indic digits (from an Arabic keyboard) as the ASCII digits registrars take. */
const latinDigits = (value: string) => value.replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x660));

const PANEL_KEY = 'kwq8:domains-panel';

/** Whether this project's panel was open when its owner left for a checkout (kept for this tab until closed). */
export const domainsPanelWasOpen = (projectId: string) => {
  try {
    return sessionStorage.getItem(PANEL_KEY) === projectId;
  } catch {
    return false;
  }
};

export function forgetDomainsPanel(): void {
  try {
    sessionStorage.removeItem(PANEL_KEY);
  } catch {
    // storage refused: nothing was kept
  }
}

function rememberDomainsPanel(projectId: string): void {
  try {
    sessionStorage.setItem(PANEL_KEY, projectId);
  } catch {
    // storage refused: the panel just stays closed on return
  }
}

/** A domain in its readable form, isolated left to right inside text of either direction. */
const DomainName = ({ name }: { name: string }) => (
  <bdi dir="ltr" className="address">
    {name}
  </bdi>
);

/** The readable name and, for an Arabic one, the punycode DNS uses. */
function NameWithPunycode({ name, displayName }: { name: string; displayName: string }) {
  const { t } = useI18n();
  return (
    <>
      <strong className="domain-name">
        <DomainName name={displayName} />
      </strong>
      {name !== displayName && (
        <span className="muted punycode" data-testid="punycode">
          {t('domains.punycode')} <DomainName name={name} />
        </span>
      )}
    </>
  );
}

/** A DNS value to copy: selectable text and a button that puts it on the clipboard. */
function CopyValue({ label, value }: { label: string; value: string }) {
  const { t } = useI18n();
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => toast.success(t('domains.copied')),
      () => toast.error(t('domains.copyFailed')),
    );
  return (
    <span className="copy-value">
      <code>
        <bdi dir="ltr">{value}</bdi>
      </code>
      <button type="button" className="secondary small" onClick={() => void copy()} aria-label={t('domains.copy', { what: label })}>
        {t('domains.copyShort')}
      </button>
    </span>
  );
}

function DnsRecords({ dns }: { dns: NonNullable<ProjectDomain['dns']> }) {
  const { t } = useI18n();
  const records = [
    { type: 'CNAME', host: dns.cname.host, value: dns.cname.target },
    { type: 'TXT', host: dns.txt.host, value: dns.txt.value ?? '' },
  ];
  return (
    <div className="dns-records">
      <p>{t('domains.dnsIntro')}</p>
      {records.map((record) => (
        <dl key={record.type} className="dns-record" data-testid={`dns-${record.type}`}>
          <div>
            <dt>{t('domains.dnsType')}</dt>
            <dd>
              <code dir="ltr">{record.type}</code>
            </dd>
          </div>
          <div>
            <dt>{t('domains.dnsHost')}</dt>
            <dd>
              <CopyValue label={t('domains.dnsHostOf', { type: record.type })} value={record.host} />
            </dd>
          </div>
          <div>
            <dt>{t('domains.dnsValue')}</dt>
            <dd>
              <CopyValue label={t('domains.dnsValueOf', { type: record.type })} value={record.value} />
            </dd>
          </div>
        </dl>
      ))}
    </div>
  );
}

function DomainItem({
  domain,
  project,
  onChanged,
  onRefresh,
  busy,
}: {
  domain: ProjectDomain;
  project: Project;
  onChanged: (domain: ProjectDomain) => void;
  onRefresh: () => void;
  busy: boolean;
}) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [verifying, setVerifying] = useState(false);
  const [unverified, setUnverified] = useState(false);

  async function verify() {
    setVerifying(true);
    setUnverified(false);
    const verified = await calm(
      async () => (await api.api.projects[':id'].domain.verify.$post({ param: { id: project.id }, json: { name: domain.name } })).json(),
      ({ domain: active }) => t('domains.verified', { name: isolate(active.displayName) }),
    );
    setVerifying(false);
    if (verified) onChanged({ ...domain, ...verified.domain });
    else setUnverified(true);
  }

  const payment = domain.payment;
  return (
    <li className="domain-item" data-testid="domain">
      <div className="domain-head">
        <NameWithPunycode name={domain.name} displayName={domain.displayName} />
        <span className={`badge domain-status-${domain.status}`} data-testid="domain-status">
          {t(`domains.status.${domain.status}`)}
        </span>
      </div>
      {domain.price && (
        <span className="muted">
          {t(domain.premium ? 'domains.pricePremium' : 'domains.pricePaid', { price: formatFils(locale, domain.price.amountFils) })}
        </span>
      )}
      {domain.status === 'active' && domain.expiresAt && (
        <span className="muted">{t('domains.expires', { date: formatDate(locale, domain.expiresAt) })}</span>
      )}
      {domain.status === 'registering' && (
        <div className="domain-note">
          <p>{t('domains.registeringNote')}</p>
          <button type="button" className="secondary small" onClick={onRefresh} disabled={busy}>
            {t('domains.refresh')}
          </button>
        </div>
      )}
      {domain.status === 'pending_payment' && payment?.status === 'pending' && payment.checkoutUrl && (
        <p className="domain-note">
          {t('domains.awaitingPayment')} <a href={payment.checkoutUrl}>{t('domains.continuePayment')}</a>
        </p>
      )}
      {domain.status === 'failed' && (
        <p className="notice failed">{t(domain.refundRequired ? 'domains.failedRefund' : 'domains.failed')}</p>
      )}
      {domain.status === 'pending_verification' && domain.dns && (
        <>
          <DnsRecords dns={domain.dns} />
          <div className="actions">
            <button type="button" onClick={() => void verify()} disabled={verifying}>
              {verifying ? t('domains.verifying') : t('domains.verify')}
            </button>
          </div>
          <p role="status" className="muted">
            {unverified ? t('domains.notVerifiedYet') : ''}
          </p>
        </>
      )}
    </li>
  );
}

/** A labelled input with its own error message, as the contacts form and the two name forms use it. */
function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string;
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby': string }) => ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': `${id}-hint ${id}-error` })}
      <p id={`${id}-hint`} className="hint">
        {hint ?? ''}
      </p>
      <p id={`${id}-error`} className="error" role="alert">
        {error}
      </p>
    </div>
  );
}

/** The typed name read as a domain, or the message to show at the field. */
function useDomainInput() {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const read = () => {
    const parsed = parseDomainName(value);
    setError(parsed.ok ? '' : t(`domains.name.${parsed.problem}`));
    return parsed.ok ? parsed.name : null;
  };
  const change = (next: string) => {
    setValue(next);
    if (error) setError('');
  };
  return { value, setValue, change, error, read };
}

/** A one-field form for a domain name (search or connect), typed left to right. */
function DomainNameForm({
  id,
  label,
  hint,
  input,
  submit,
  busy,
  role,
  onSubmit,
}: {
  id: string;
  label: string;
  hint: string;
  input: ReturnType<typeof useDomainInput>;
  submit: string;
  busy: boolean;
  role?: 'search';
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
}) {
  return (
    <form className="domain-form" role={role} onSubmit={onSubmit} noValidate>
      <Field id={id} label={label} hint={hint} error={input.error}>
        {(props) => (
          <input
            {...props}
            name="domain"
            dir="ltr"
            autoComplete="off"
            spellCheck={false}
            maxLength={300}
            value={input.value}
            onChange={(event) => input.change(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        {submit}
      </button>
    </form>
  );
}

function BuyForm({ project, found, onCancel }: { project: Project; found: DomainCheck & { supported: true }; onCancel: () => void }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const id = useId();
  const [contact, setContact] = useState<Contact>(EMPTY_CONTACT);
  const [problems, setProblems] = useState<Partial<Record<ContactField, ContactProblem>>>({});
  const [method, setMethod] = useState<Method>('knet');
  const [busy, setBusy] = useState(false);
  const keys = useRef(new Map<string, string>());
  const price = formatFils(locale, found.price?.amountFils ?? 0);

  // The form starts with the owner's last registrant (the API keeps it from their latest
  // registration), else with the sign-in address; what the owner has typed meanwhile stays.
  useEffect(() => {
    let stopped = false;
    const fill = (known: Partial<Contact>) =>
      !stopped &&
      setContact((current) => {
        const next = { ...current };
        for (const { field } of CONTACT_FIELDS) {
          const value = known[field];
          if (value && current[field] === EMPTY_CONTACT[field]) next[field] = value;
        }
        return next;
      });
    void (async () => {
      const { registrant } = await (await api.api.domains.contacts.$get()).json();
      if (registrant) return fill(registrant);
      const { data } = await (await supabase()).auth.getSession();
      const email = data.session?.user.email ?? '';
      if (contactProblem('email', email) === null) fill({ email });
    })().catch(() => {});
    return () => void (stopped = true);
  }, [api]);

  const change = (field: ContactField, value: string) => {
    setContact((current) => ({ ...current, [field]: latinDigits(value) }));
    if (problems[field]) setProblems((current) => ({ ...current, [field]: undefined }));
  };

  async function pay(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = Object.fromEntries(CONTACT_FIELDS.map(({ field }) => [field, contactProblem(field, contact[field]) ?? undefined]));
    setProblems(checked);
    const first = CONTACT_FIELDS.find(({ field }) => checked[field]);
    if (first) {
      document.getElementById(`${id}-${first.field}`)?.focus();
      return;
    }
    const registrant = Object.fromEntries(
      CONTACT_FIELDS.map(({ field }) => [field, contact[field].trim()]).filter(([, value]) => value !== ''),
    ) as DomainContactInput;
    const payWith = method === 'stripe' ? { provider: 'stripe' as const } : { provider: 'upayments' as const, method };
    const json = { name: found.name, register: true as const, contacts: { registrant }, ...payWith };
    const body = JSON.stringify(json);
    const key = keys.current.get(body) ?? crypto.randomUUID();
    keys.current.set(body, key);
    setBusy(true);
    const bought = await calm(async () =>
      (await api.api.projects[':id'].domain.$post({ param: { id: project.id }, json }, { headers: { 'Idempotency-Key': key } })).json(),
    );
    if (bought && isPurchase(bought)) {
      rememberDomainsPanel(project.id);
      location.assign(bought.checkout.url);
    } else setBusy(false);
  }

  return (
    <form className="domain-buy" onSubmit={(event) => void pay(event)} noValidate aria-labelledby={`${id}-title`}>
      <h5 id={`${id}-title`}>
        <Rich text={t('domains.buyTitle', { price })} values={{ name: <DomainName name={found.displayName} /> }} />
      </h5>
      <fieldset>
        <legend>{t('domains.contacts')}</legend>
        <p className="hint">{t('domains.contactsHint')}</p>
        <div className="contact-grid">
          {CONTACT_FIELDS.map((spec) => {
            const problem = problems[spec.field];
            const label = t(`domains.contact.${spec.field}`);
            return (
              <Field
                key={spec.field}
                id={`${id}-${spec.field}`}
                label={'optional' in spec ? t('domains.optional', { label }) : label}
                hint={spec.field === 'phone' ? t('domains.contact.phoneHint') : undefined}
                error={problem ? t(`domains.problem.${problem}`) : ''}
              >
                {(props) => (
                  <input
                    {...props}
                    name={spec.field}
                    dir="ltr"
                    type={'type' in spec ? spec.type : 'text'}
                    autoComplete={spec.autoComplete}
                    maxLength={'maxLength' in spec ? spec.maxLength : 255}
                    value={contact[spec.field]}
                    onChange={(event) => change(spec.field, event.target.value)}
                    disabled={busy}
                  />
                )}
              </Field>
            );
          })}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('billing.method')}</legend>
        {METHODS.map((item) => (
          <label key={item} className="choice">
            <input type="radio" name="method" value={item} checked={method === item} onChange={() => setMethod(item)} />
            <span>{t(`billing.method.${item}`)}</span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('billing.redirecting') : t('billing.pay', { price })}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** What the search found, with the next step it allows. */
function SearchResult({ found, onBuy, onAttach }: { found: DomainCheck; onBuy: () => void; onAttach: (name: string) => void }) {
  const { t, locale } = useI18n();
  const name = <DomainName name={found.displayName} />;
  let text: ReactNode;
  let action: ReactNode = null;
  if (!found.supported) {
    text =
      found.reason === 'contact_us' ? (
        <Rich text={t('domains.result.contactUs')} values={{ name }} />
      ) : (
        <Rich
          text={t('domains.result.unsupported')}
          values={{
            name,
            tlds: formatList(
              locale,
              found.tlds.map((tld) => isolate(`.${tld}`)),
            ),
          }}
        />
      );
  } else if (found.available && found.price) {
    const price = formatFils(locale, found.price.amountFils);
    text = <Rich text={t(found.premium ? 'domains.result.premium' : 'domains.result.available', { price })} values={{ name }} />;
    action = (
      <button type="button" onClick={onBuy}>
        {t('domains.buy')}
      </button>
    );
  } else {
    text = <Rich text={t(found.available ? 'domains.result.noPrice' : 'domains.result.taken')} values={{ name }} />;
    if (!found.available) {
      action = (
        <button type="button" className="secondary" onClick={() => onAttach(found.displayName)}>
          {t('domains.attachThis')}
        </button>
      );
    }
  }
  const state = !found.supported ? 'unsupported' : found.available ? (found.premium ? 'premium' : 'available') : 'taken';
  return (
    <div className={`domain-result ${state}`} data-testid="domain-result" data-state={state}>
      <p>{text}</p>
      {found.name !== found.displayName && (
        <p className="muted punycode" data-testid="punycode">
          {t('domains.punycode')} <DomainName name={found.name} />
        </p>
      )}
      {action && <div className="actions">{action}</div>}
    </div>
  );
}

export function Domains({ project, id }: { project: Project; id: string }) {
  const { t } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const formId = useId();
  const [domains, setDomains] = useState<ProjectDomain[]>();
  const [listing, setListing] = useState(false);
  const search = useDomainInput();
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<DomainCheck>();
  const [buying, setBuying] = useState(false);
  const attach = useDomainInput();
  const [attaching, setAttaching] = useState(false);
  const attachKeys = useRef(new Map<string, string>());

  const load = useCallback(async () => {
    setListing(true);
    await calm(async () => setDomains((await (await api.api.projects[':id'].domains.$get({ param: { id: project.id } })).json()).domains));
    setListing(false);
  }, [api, calm, project.id]);

  useEffect(() => void load(), [load]);

  async function find(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = search.read();
    if (!name) return;
    setSearching(true);
    setBuying(false);
    const answer = await calm(async () => (await api.api.domains.check.$get({ query: { name: search.value.trim() } })).json());
    setSearching(false);
    if (answer) setFound(answer);
  }

  async function connect(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = attach.read();
    if (!name) return;
    const key = attachKeys.current.get(name.ascii) ?? crypto.randomUUID();
    attachKeys.current.set(name.ascii, key);
    setAttaching(true);
    const attached = await calm(
      async () =>
        (
          await api.api.projects[':id'].domain.$post(
            { param: { id: project.id }, json: { name: name.ascii, register: false } },
            { headers: { 'Idempotency-Key': key } },
          )
        ).json(),
      (answer) => t('domains.attached', { name: isolate(answer.domain.displayName) }),
    );
    setAttaching(false);
    if (!attached) return;
    attach.setValue('');
    setDomains((list) => [attached.domain, ...(list ?? []).filter((item) => item.id !== attached.domain.id)]);
  }

  const replace = (domain: ProjectDomain) => setDomains((list) => list?.map((item) => (item.id === domain.id ? domain : item)));

  return (
    <div className="domains" id={id}>
      <h3>{t('domains.heading', { name: isolate(project.name) })}</h3>
      {!domains ? (
        <p role="status" className="loading">
          {t('dashboard.loading')}
        </p>
      ) : domains.length === 0 ? (
        <p>{t('domains.empty')}</p>
      ) : (
        <ul className="domain-list">
          {domains.map((domain) => (
            <DomainItem
              key={domain.id}
              domain={domain}
              project={project}
              onChanged={replace}
              onRefresh={() => void load()}
              busy={listing}
            />
          ))}
        </ul>
      )}

      <section className="domain-section" aria-labelledby={`${formId}-search-title`}>
        <h4 id={`${formId}-search-title`}>{t('domains.searchTitle')}</h4>
        <DomainNameForm
          id={`${formId}-search`}
          label={t('domains.searchLabel')}
          hint={t('domains.searchHint')}
          input={search}
          submit={searching ? t('domains.searching') : t('domains.search')}
          busy={searching}
          role="search"
          onSubmit={(event) => void find(event)}
        />
        {found && (
          <div role="status">
            <SearchResult
              found={found}
              onBuy={() => setBuying(true)}
              onAttach={(name) => {
                attach.setValue(name);
                document.getElementById(`${formId}-attach`)?.focus();
              }}
            />
          </div>
        )}
        {buying && found?.supported && found.available && found.price && (
          <BuyForm key={found.name} project={project} found={found} onCancel={() => setBuying(false)} />
        )}
      </section>

      <section className="domain-section" aria-labelledby={`${formId}-attach-title`}>
        <h4 id={`${formId}-attach-title`}>{t('domains.attachTitle')}</h4>
        <DomainNameForm
          id={`${formId}-attach`}
          label={t('domains.attachLabel')}
          hint={t('domains.attachHint')}
          input={attach}
          submit={t('domains.attach')}
          busy={attaching}
          onSubmit={(event) => void connect(event)}
        />
      </section>
    </div>
  );
}
