/**
 * The chat panel: choose what the AI should do (each kind with its cost from shared/pricing.ts),
 * write the request, see the quote (cost and balance after) before sending; while it streams a
 * progress line (announced politely) and a Stop button; afterwards the answer and the new
 * balance. When the Worker has no AI provider (SRV_004) the panel says so and points to editing by hand.
 */
import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { CREDIT_COSTS } from '../../../../shared/pricing';
import { useI18n } from '../common';
import { CHAT_ACTIONS, findSection, sectionName, sectionTitle, type ChatAction } from './data';
import type { Generations } from './generation';
import { Quote } from './Quote';
import { useBuilder } from './state';

const STAGES = new Set(['charged', 'repairing', 'saving']);
type Stage = 'charged' | 'repairing' | 'saving';

export function Chat({ generations }: { generations: Generations }) {
  const { t, plural, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const [action, setAction] = useState<ChatAction>('chat_message');
  const [prompt, setPrompt] = useState('');
  const document = builder.answer.draft?.document;
  const selected = document && builder.sectionId ? findSection(document, builder.sectionId) : null;
  const page = document?.pages.find((p) => p.id === builder.pageId) ?? document?.pages[0];
  const cost = CREDIT_COSTS[action].credits;
  const needsSection = action === 'simple_edit' && !selected;
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [generations.log.length]);

  const hint =
    action === 'simple_edit'
      ? selected
        ? t('builder.chat.promptHint.simple_edit', {
            section: `${sectionName(t, selected.section.type)}: ${sectionTitle(selected.section, locale)}`,
          })
        : t('builder.chat.promptHint.simple_edit_none')
      : action === 'component_generation'
        ? t('builder.chat.promptHint.component_generation', { page: page ? page.title[locale] || page.title.ar : '' })
        : t(`builder.chat.promptHint.${action}`);

  function send(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = prompt.trim();
    if (!text || needsSection) return;
    const target =
      action === 'simple_edit' && selected
        ? { pageId: selected.page.id, sectionId: selected.section.id }
        : action === 'component_generation' && page
          ? { pageId: page.id }
          : {};
    void generations.run({ action, prompt: text, ...target }).then((ok) => ok && setPrompt(''));
  }

  if (generations.available === false) {
    return (
      <section className="chat" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('builder.chat.heading')}</h2>
        <p className="notice" role="note">
          {t('builder.ai.unavailable')}
        </p>
        <button type="button" className="secondary" onClick={() => builder.setTab('edit')}>
          {t('builder.tab.edit')}
        </button>
      </section>
    );
  }

  return (
    <section className="chat" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('builder.chat.heading')}</h2>
      {/* Scrollable, so reachable by keyboard; it follows the newest message. */}
      <ol className="chat-log" aria-label={t('builder.chat.log')} tabIndex={0} ref={logRef}>
        {generations.log.length === 0 && <li className="chat-empty">{t('builder.chat.empty')}</li>}
        {generations.log.map((entry) => (
          <li key={entry.id} className={`bubble ${entry.from} ${entry.tone ?? ''}`}>
            <span className="who">{entry.from === 'owner' ? t('builder.chat.you') : t('builder.chat.ai')}</span>
            <bdi>{entry.text}</bdi>
          </li>
        ))}
      </ol>
      <p className="progress" role="status" aria-live="polite">
        {generations.running
          ? STAGES.has(generations.stage ?? '')
            ? t(`builder.chat.stage.${generations.stage as Stage}`)
            : t('builder.chat.working')
          : ''}
      </p>
      <form className="chat-form" onSubmit={send}>
        <fieldset className="chat-actions" disabled={generations.running}>
          <legend>{t('builder.chat.action')}</legend>
          {CHAT_ACTIONS.map((value) => (
            <label key={value} className="choice">
              <input type="radio" name={`${id}-action`} value={value} checked={action === value} onChange={() => setAction(value)} />
              <span>{t(`action.${value}`)}</span>
              <span className="cost">{plural('unit.credits', CREDIT_COSTS[value].credits)}</span>
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}-prompt`}>{t('builder.chat.prompt')}</label>
        <p className="hint" id={`${id}-hint`}>
          {hint}
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
        <Quote id={`${id}-quote`} cost={cost} />
        <div className="actions">
          {generations.running ? (
            <button type="button" className="danger" onClick={generations.stop}>
              {t('builder.chat.stop')}
            </button>
          ) : (
            <button type="submit" disabled={!prompt.trim() || needsSection || builder.balance < cost}>
              {t('builder.chat.send', { cost: plural('unit.credits', cost) })}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
