/** The versions, newest first, with who or what made each; one-tap Undo and Restore of any version (both free). */
import { useId, useState } from 'react';
import { useI18n } from '../common';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { TextKey } from '../../i18n';
import { toast } from 'sonner';
import type { Version } from './data';
import { useBuilder } from './state';

export function madeByText(t: (key: TextKey, values?: Record<string, string | number>) => string, version: Version): string {
  if (version.madeBy === 'ai')
    return t('builder.history.by.ai', { action: version.action ? t(`action.${version.action}` as TextKey) : '' });
  return t(`builder.history.by.${version.madeBy}`);
}

export function History() {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const [busy, setBusy] = useState(false);

  async function restore(version: Version) {
    setBusy(true);
    if (await builder.restore(version)) toast.success(t('builder.history.restored', { number: formatNumber(locale, version.number) }));
    setBusy(false);
  }

  async function undo() {
    setBusy(true);
    await builder.undo();
    setBusy(false);
  }

  return (
    <section className="history" aria-labelledby={`${id}-title`}>
      <div className="editor-head">
        <h2 id={`${id}-title`}>{t('builder.history.heading')}</h2>
        <button type="button" className="secondary small" onClick={() => void undo()} disabled={busy || !builder.undoTo}>
          <span aria-hidden="true" className="arrow undo" />
          {t('builder.undo')}
        </button>
      </div>
      <p className="hint">{t('builder.history.hint')}</p>
      {builder.versions.length === 0 ? (
        <p>{t('builder.history.empty')}</p>
      ) : (
        <ol className="versions" data-testid="versions">
          {builder.versions.map((version) => (
            <li key={version.id} className={version.isDraft ? 'current' : ''}>
              <div className="version-head">
                <strong id={`${id}-${version.number}`}>
                  {t('builder.history.version', { number: formatNumber(locale, version.number) })}
                </strong>
                {version.isDraft && <span className="badge draft">{t('builder.history.draft')}</span>}
                {version.isPublished && <span className="badge live">{t('builder.history.published')}</span>}
              </div>
              <p className="version-what">
                {madeByText(t, version)}
                {version.summary && version.madeBy !== 'template' ? (
                  <>
                    {' · '}
                    <bdi>{version.summary}</bdi>
                  </>
                ) : null}
              </p>
              <time dateTime={version.createdAt} className="muted">
                {formatDateTime(locale, version.createdAt)}
              </time>
              {!version.isDraft && (
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => void restore(version)}
                  disabled={busy}
                  aria-describedby={`${id}-${version.number}`}
                >
                  {t('builder.history.restore')}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
