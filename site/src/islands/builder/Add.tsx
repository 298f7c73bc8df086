/**
 * Adding by hand (free): a section of a chosen type (names in the owner's language, starter copy
 * from ./starters.ts) to the page in the preview, before its footer; and a page with its title in
 * both languages and its address. Both are checked with the shared schemas before they are sent.
 */
import { useId, useState, type SubmitEvent } from 'react';
import { toast } from 'sonner';
import { MAX_PAGES, MAX_SECTIONS_PER_PAGE, type SectionType } from '../../../../shared/site/document';
import type { LocalText } from '../../../../shared/site/primitives';
import { useI18n } from '../common';
import { sectionName } from './data';
import { ADDABLE_TYPES, addPageOperation, addSectionOperation, normalPath, type PageProblem } from './starters';
import { useBuilder } from './state';

export function AddSection() {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const document = builder.answer.draft!.document!;
  const page = document.pages.find((p) => p.id === builder.pageId) ?? document.pages[0]!;
  const [type, setType] = useState<SectionType>('text');
  const [busy, setBusy] = useState(false);
  const full = page.sections.length >= MAX_SECTIONS_PER_PAGE;
  const collator = new Intl.Collator(locale);
  const types = [...ADDABLE_TYPES].sort((a, b) => collator.compare(sectionName(t, a), sectionName(t, b)));

  async function add(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const operation = addSectionOperation(document, page.id, type);
    if (!operation || operation.op !== 'add_section') {
      toast.error(t('builder.add.invalid'));
      return;
    }
    setBusy(true);
    const name = sectionName(t, type);
    if (await builder.save([operation], t('builder.add.sectionAdded', { type: name }).slice(0, 200))) {
      toast.success(t('builder.add.sectionAdded', { type: name }));
      builder.selectSection(operation.section.id);
    }
    setBusy(false);
  }

  return (
    <details className="add-block">
      <summary>{t('builder.add.section')}</summary>
      <form onSubmit={(event) => void add(event)}>
        <p className="hint" id={`${id}-hint`}>
          {t('builder.add.sectionHint')} <span className="badge free">{t('builder.free')}</span>
        </p>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('builder.add.type')}</label>
          <select
            id={`${id}-type`}
            value={type}
            onChange={(event) => setType(event.target.value as SectionType)}
            aria-describedby={`${id}-hint`}
          >
            {types.map((value) => (
              <option key={value} value={value}>
                {sectionName(t, value)}
              </option>
            ))}
          </select>
        </div>
        {full && <p className="notice">{t('builder.add.full')}</p>}
        <button type="submit" disabled={busy || full}>
          {t('builder.add.sectionButton')}
        </button>
      </form>
    </details>
  );
}

export function AddPage() {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const document = builder.answer.draft!.document!;
  const [title, setTitle] = useState<LocalText>({ ar: '', en: '' });
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<PageProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const full = document.pages.length >= MAX_PAGES;

  async function add(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = addPageOperation(document, title, path || title.en);
    if ('problem' in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(null);
    setBusy(true);
    const name = title[locale].trim();
    if (await builder.save([result.operation], t('builder.add.pageAdded', { title: name }).slice(0, 200))) {
      toast.success(t('builder.add.pageAdded', { title: name }));
      if (result.operation.op === 'add_page') builder.setPageId(result.operation.page.id);
      setTitle({ ar: '', en: '' });
      setPath('');
    }
    setBusy(false);
  }

  const error =
    problem === 'title'
      ? t('builder.add.titleMissing')
      : problem === 'taken'
        ? t('builder.add.pathTaken')
        : problem
          ? t('builder.add.pathInvalid')
          : '';

  return (
    <details className="add-block">
      <summary>{t('builder.add.page')}</summary>
      <form onSubmit={(event) => void add(event)} noValidate>
        <p className="hint">
          {t('builder.add.pageHint')} <span className="badge free">{t('builder.free')}</span>
        </p>
        <div className="pair">
          {(['ar', 'en'] as const).map((lang) => (
            <div className="lang-field" key={lang}>
              <label htmlFor={`${id}-title-${lang}`}>{t(lang === 'ar' ? 'builder.add.titleAr' : 'builder.add.titleEn')}</label>
              <input
                id={`${id}-title-${lang}`}
                dir={lang === 'ar' ? 'rtl' : 'ltr'}
                lang={lang}
                maxLength={80}
                value={title[lang]}
                aria-invalid={problem === 'title' && !title[lang].trim() ? true : undefined}
                aria-describedby={problem === 'title' ? `${id}-error` : undefined}
                onChange={(event) => setTitle({ ...title, [lang]: event.target.value })}
              />
            </div>
          ))}
        </div>
        <div className="field">
          <label htmlFor={`${id}-path`}>{t('builder.add.path')}</label>
          <input
            id={`${id}-path`}
            dir="ltr"
            lang="en"
            inputMode="url"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={41}
            placeholder={title.en ? normalPath(title.en) : '/about'}
            value={path}
            aria-invalid={problem === 'path' || problem === 'taken' ? true : undefined}
            aria-describedby={`${id}-path-hint${problem && problem !== 'title' ? ` ${id}-error` : ''}`}
            onChange={(event) => setPath(event.target.value)}
          />
          <p className="hint" id={`${id}-path-hint`}>
            {t('builder.add.pathHint')}
          </p>
        </div>
        {error && (
          <p className="error" id={`${id}-error`} role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || full}>
          {t('builder.add.pageButton')}
        </button>
      </form>
    </details>
  );
}
