/**
 * Publishing: the publish checks as a short list of what to fix (each naming its page and
 * section, with a way to it), then "Publish for 1 credit" (one Idempotency-Key per draft, so a
 * retry never charges twice), then the live address with a copy button; "unpublished changes"
 * when the draft is not what visitors see; Unpublish after a confirmation.
 */
import { useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { CREDIT_COSTS } from '../../../../shared/pricing';
import { ApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { ConfirmDialog } from '../dashboard/ConfirmDialog';
import { useApi } from '../dashboard/data';
import { balanceTotal, problemText } from './data';
import { Quote } from './Quote';
import { useBuilder } from './state';

const COST = CREDIT_COSTS.deployment.credits;

/**
 * The address as an owner reads it: without the scheme, and with the project's own spelling where
 * the host carries its punycode form (xn--…), e.g. "صالون-ليلى.kwq8.site".
 */
export function displayAddress(url: string, slug: string): string {
  const parsed = new URL(url);
  const [first = '', ...rest] = parsed.hostname.split('.');
  const host = first.startsWith('xn--') ? [slug, ...rest].join('.') : parsed.hostname;
  return `${host}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

export function LiveAddress({ url, slug }: { url: string; slug: string }) {
  const { t } = useI18n();
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => toast.success(t('builder.publish.copied')),
      () => toast.error(t('domains.copyFailed')),
    );
  return (
    <div className="live-address">
      <a href={url} target="_blank" rel="noopener" data-testid="live-url">
        <bdi dir="ltr" className="address">
          {displayAddress(url, slug)}
        </bdi>
      </a>
      <div className="actions tight">
        <button type="button" className="secondary small" onClick={() => void copy()}>
          {t('builder.publish.copy')}
        </button>
        <a className="button small secondary" href={url} target="_blank" rel="noopener">
          {t('builder.publish.open')}
        </a>
      </div>
    </div>
  );
}

export function Publish() {
  const i18n = useI18n();
  const { t, plural, locale } = i18n;
  const calm = useCalm();
  const api = useApi();
  const builder = useBuilder();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const keys = useRef(new Map<string, string>());
  const { site, draft, problems } = builder.answer;
  const document = draft?.document;
  if (!draft || !document) return null;
  const published = site.publishedVersionId !== null;
  const upToDate = published && site.publishedVersionId === site.draftVersionId;

  async function publish() {
    const versionId = site.draftVersionId!;
    const key = keys.current.get(versionId) ?? crypto.randomUUID();
    keys.current.set(versionId, key);
    setBusy(true);
    await calm(
      async () => {
        try {
          const result = await (
            await api.api.projects[':id'].site.publish.$post(
              { param: { id: builder.project.id }, json: { versionId } },
              { headers: { 'Idempotency-Key': key } },
            )
          ).json();
          builder.setBalance(result.balance);
          await builder.refresh();
          const total = balanceTotal(result.balance);
          return t('builder.publish.done', {
            cost: plural('unit.credits', result.cost),
            balance: total === null ? '' : plural('unit.credits', total),
          });
        } catch (error) {
          // The checks failed meanwhile (another tab): show the list as it is now.
          if (error instanceof ApiError && (error.code === 'SITE_004' || error.code === 'SITE_002')) {
            await builder.refresh();
            toast.warning(error.code === 'SITE_004' ? t('builder.publish.blocked') : t('builder.stale'), { closeButton: true });
            return undefined;
          }
          throw error;
        }
      },
      (message) => message,
    );
    setBusy(false);
  }

  async function unpublish() {
    setBusy(true);
    await calm(
      async () => {
        await api.api.projects[':id'].site.unpublish.$post({ param: { id: builder.project.id } });
        await builder.refresh();
      },
      () => t('builder.publish.unpublished'),
    );
    setBusy(false);
  }

  return (
    <section className="publish" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('builder.publish.heading')}</h2>
      <div className={`publish-state ${upToDate ? 'live' : published ? 'changes' : 'never'}`} data-testid="publish-state">
        {published && site.url ? (
          <>
            <p>{t('builder.publish.liveAt')}</p>
            <LiveAddress url={site.url} slug={site.slug} />
            {site.publishedAt && <p className="muted">{t('builder.publish.since', { date: formatDateTime(locale, site.publishedAt) })}</p>}
            <p className="state-line">{upToDate ? t('builder.publish.upToDate') : t('builder.publish.changes')}</p>
          </>
        ) : (
          <p className="state-line">{t('builder.publish.never')}</p>
        )}
      </div>

      <h3>{t('builder.publish.checks')}</h3>
      {problems.length === 0 ? (
        <p className="check-ok">{t('builder.publish.ok')}</p>
      ) : (
        <>
          <p>{t('builder.publish.fix')}</p>
          <ul className="problems" data-testid="problems">
            {problems.map((problem) => (
              <li key={`${problem.code}:${problem.path}`}>
                <span>{problemText(i18n, document, problem)}</span>
                {problem.sectionId && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      if (problem.pageId) builder.setPageId(problem.pageId);
                      builder.selectSection(problem.sectionId);
                    }}
                  >
                    {t('builder.publish.goTo')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      {!upToDate && (
        <>
          <Quote cost={COST} />
          <button type="button" onClick={() => void publish()} disabled={busy || problems.length > 0 || builder.balance < COST}>
            {busy ? t('builder.publish.publishing') : t('builder.publish.button', { cost: plural('unit.credits', COST) })}
          </button>
        </>
      )}
      {published && (
        <button type="button" className="secondary danger-text unpublish" onClick={() => setConfirming(true)} disabled={busy}>
          {t('builder.publish.unpublish')}
        </button>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('builder.publish.unpublishTitle')}
          body={t('builder.publish.unpublishBody')}
          confirm={t('builder.publish.unpublish')}
          onConfirm={() => void unpublish()}
          onClose={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
