/**
 * No draft yet: start from one of the five templates (free, and it says so), or describe the
 * business in a sentence for the AI, with example sentences and the price quoted first; the sections
 * appear in the preview as they stream. When the AI is not configured (SRV_004) that path says so
 * and the templates remain.
 */
import { useId, useState, type SubmitEvent } from 'react';
import { CREDIT_COSTS } from '../../../../shared/pricing';
import { STARTER_TYPES, type StarterType } from '../../../../shared/site/templates';
import { formatNumber } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi } from '../dashboard/data';
import { FIRST_SITE_ACTION } from './data';
import { Quote } from './Quote';
import { useBuilder } from './state';
import type { Generations } from './generation';

const EXAMPLES = ['salon', 'restaurant', 'clinic', 'coach', 'shop'] as const;

export function Start({ generations }: { generations: Generations }) {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const builder = useBuilder();
  const id = useId();
  const [busy, setBusy] = useState<StarterType | null>(null);
  const [prompt, setPrompt] = useState('');
  const cost = CREDIT_COSTS[FIRST_SITE_ACTION].credits;

  async function start(type: StarterType) {
    setBusy(type);
    await calm(
      () =>
        builder.guarded(async (baseVersionId) => {
          await api.api.projects[':id'].site.template.$post({ param: { id: builder.project.id }, json: { type, baseVersionId } });
          await builder.refresh();
          builder.setTab('edit');
          return true;
        }),
      (done) => (done === true ? t('builder.start.started', { name: t(`template.${type}`) }) : undefined),
    );
    setBusy(null);
  }

  function describe(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = prompt.trim();
    if (!text) return;
    void generations.run({ action: FIRST_SITE_ACTION, prompt: text }).then((ok) => ok && setPrompt(''));
  }

  return (
    <section className="builder-start" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('builder.start.heading')}</h2>
      <div className="start-block">
        <h3>
          {t('builder.start.templates')} <span className="badge free">{t('builder.free')}</span>
        </h3>
        <p className="hint">{t('builder.start.templatesHint')}</p>
        <ul className="templates">
          {STARTER_TYPES.map((type) => (
            <li key={type} className={`template template-${type}`}>
              <button
                type="button"
                className="template-name"
                onClick={() => void start(type)}
                disabled={busy !== null || generations.running}
                aria-describedby={`${id}-${type}`}
              >
                {t(`template.${type}`)}
              </button>
              <p className="template-about" id={`${id}-${type}`}>
                {t(`template.${type}.about`)}
              </p>
            </li>
          ))}
        </ul>
      </div>
      <p className="or">{t('builder.start.or')}</p>
      <div className="start-block">
        <h3>{t('builder.start.describe')}</h3>
        {generations.available === false ? (
          <p className="notice" role="note">
            {t('builder.ai.unavailable')}
          </p>
        ) : (
          <form className="describe" onSubmit={describe}>
            <label htmlFor={`${id}-prompt`}>{t('builder.start.prompt')}</label>
            <p className="hint" id={`${id}-hint`}>
              {t('builder.start.describeHint')}
            </p>
            <textarea
              id={`${id}-prompt`}
              rows={3}
              maxLength={1000}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              aria-describedby={`${id}-hint ${id}-quote`}
              disabled={generations.running}
            />
            <p className="examples-title">{t('builder.start.examples')}</p>
            <ul className="examples">
              {EXAMPLES.map((kind) => (
                <li key={kind}>
                  <button type="button" className="chip" onClick={() => setPrompt(t(`builder.example.${kind}`))}>
                    {t(`builder.example.${kind}`)}
                  </button>
                </li>
              ))}
            </ul>
            <Quote id={`${id}-quote`} cost={cost} />
            <div className="actions">
              {generations.running ? (
                <button type="button" className="danger" onClick={generations.stop}>
                  {t('builder.chat.stop')}
                </button>
              ) : (
                <button type="submit" disabled={!prompt.trim() || builder.balance < cost}>
                  {t('builder.start.generate')}
                </button>
              )}
            </div>
            <p className="progress" role="status" aria-live="polite">
              {generations.running ? t('builder.preview.live', { n: formatNumber(locale, Math.max(1, generations.received)) }) : ''}
            </p>
          </form>
        )}
      </div>
    </section>
  );
}
