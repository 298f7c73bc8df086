/**
 * Editing by hand (free): the selected section's texts in Arabic and English side by side, each
 * input with its own direction, saved as set_text operations in one new version; moving the
 * section up or down and removing it (with Undo in the toast); and the site's look (palette and
 * corners) with set_theme. What was typed stays in the form until it is saved. The section's
 * images are filled from here too (./Images.tsx), and sections and pages are added by hand
 * (./Add.tsx).
 */
import { useEffect, useId, useMemo, useState, type SubmitEvent } from 'react';
import { toast } from 'sonner';
import { PALETTES, RADII, type SiteTheme } from '../../../../shared/site/document';
import type { SiteOperation } from '../../../../shared/site/operations';
import type { LocalText } from '../../../../shared/site/primitives';
import { useI18n } from '../common';
import { AddPage, AddSection } from './Add';
import { ImageSlots } from './Images';
import { fieldLabel, findSection, isLongText, sectionName, sectionTexts, type TextField } from './data';
import { useBuilder } from './state';

function TextPair({ field, value, onChange }: { field: TextField; value: LocalText; onChange: (value: LocalText) => void }) {
  const { t } = useI18n();
  const id = useId();
  const label = fieldLabel(t, field);
  const long = isLongText(field);
  const input = (locale: 'ar' | 'en') => {
    const props = {
      id: `${id}-${locale}`,
      dir: locale === 'ar' ? 'rtl' : 'ltr',
      lang: locale,
      value: value[locale],
      onChange: (event: { target: { value: string } }) => onChange({ ...value, [locale]: event.target.value }),
      'aria-label': t(locale === 'ar' ? 'builder.edit.arabic' : 'builder.edit.english', { field: label }),
    };
    return long ? <textarea rows={3} {...props} /> : <input {...props} />;
  };
  return (
    <fieldset className="text-pair">
      <legend>{label}</legend>
      <div className="pair">
        <div className="lang-field">
          <label htmlFor={`${id}-ar`} lang="ar">
            {t('lang.ar')}
          </label>
          {input('ar')}
        </div>
        <div className="lang-field">
          <label htmlFor={`${id}-en`} lang="en">
            {t('lang.en')}
          </label>
          {input('en')}
        </div>
      </div>
    </fieldset>
  );
}

function SectionEditor({ sectionId }: { sectionId: string }) {
  const { t } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const document = builder.answer.draft!.document!;
  const found = findSection(document, sectionId)!;
  const { section, page, index } = found;
  const fields = useMemo(() => sectionTexts(section), [section]);
  // What the owner typed, by pointer; it outlives a failed or stale save.
  const [typed, setTyped] = useState<Record<string, LocalText>>({});
  const [busy, setBusy] = useState(false);
  const type = sectionName(t, section.type);

  const changed = fields.filter((field) => {
    const value = typed[field.pointer];
    return value && (value.ar !== field.value.ar || value.en !== field.value.en);
  });

  async function saveTexts(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (changed.length === 0) {
      toast.info(t('builder.edit.unchanged'));
      return;
    }
    setBusy(true);
    const operations: SiteOperation[] = changed.map((field) => ({
      op: 'set_text',
      sectionId,
      pointer: field.pointer,
      value: typed[field.pointer]!,
    }));
    if (await builder.save(operations, t('builder.edit.summary', { type }).slice(0, 200))) {
      setTyped({});
      toast.success(t('builder.saved'));
    }
    setBusy(false);
  }

  async function move(by: -1 | 1) {
    setBusy(true);
    if (await builder.save([{ op: 'move_section', sectionId, pageId: page.id, index: index + by }])) toast.success(t('builder.edit.moved'));
    setBusy(false);
  }

  async function remove() {
    setBusy(true);
    const removed = await builder.save([{ op: 'remove_section', sectionId }], t('builder.edit.removed', { type }).slice(0, 200));
    setBusy(false);
    if (!removed) return;
    builder.selectSection(null);
    toast.success(t('builder.edit.removed', { type }), {
      action: { label: t('builder.undo'), onClick: () => void builder.undo() },
      duration: 10_000,
    });
  }

  return (
    <section className="section-editor" aria-labelledby={`${id}-title`}>
      <div className="editor-head">
        <h2 id={`${id}-title`}>{t('builder.edit.heading', { type })}</h2>
        <button type="button" className="link" onClick={() => builder.selectSection(null)}>
          {t('builder.edit.done')}
        </button>
      </div>
      <div className="actions tight">
        <button type="button" className="secondary small" onClick={() => void move(-1)} disabled={busy || index === 0}>
          <span aria-hidden="true" className="arrow up" />
          {t('builder.edit.moveUp')}
        </button>
        <button
          type="button"
          className="secondary small"
          onClick={() => void move(1)}
          disabled={busy || index === page.sections.length - 1}
        >
          <span aria-hidden="true" className="arrow down" />
          {t('builder.edit.moveDown')}
        </button>
        <button type="button" className="secondary small danger-text" onClick={() => void remove()} disabled={busy}>
          {t('builder.edit.remove')}
        </button>
      </div>
      {fields.length === 0 ? (
        <p className="hint">{t('builder.edit.noTexts')}</p>
      ) : (
        <form className="texts" onSubmit={(event) => void saveTexts(event)} noValidate>
          <h3>{t('builder.edit.texts')}</h3>
          {fields.map((field) => (
            <TextPair
              key={field.pointer}
              field={field}
              value={typed[field.pointer] ?? field.value}
              onChange={(value) => setTyped((current) => ({ ...current, [field.pointer]: value }))}
            />
          ))}
          <div className="sticky-save">
            <button type="submit" disabled={busy}>
              {busy ? t('builder.edit.saving') : t('builder.edit.save')}
            </button>
            <button type="button" className="secondary mobile-only" onClick={() => builder.setView('preview')}>
              {t('builder.edit.seePreview')}
            </button>
          </div>
        </form>
      )}
      <ImageSlots section={section} />
    </section>
  );
}

function ThemeEditor() {
  const { t } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const current = builder.answer.draft!.document!.theme;
  const [theme, setTheme] = useState<SiteTheme>(current);
  const [busy, setBusy] = useState(false);
  useEffect(() => setTheme(current), [current]);
  const dirty = theme.palette !== current.palette || theme.radius !== current.radius;

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    if (await builder.save([{ op: 'set_theme', theme }], t('builder.theme.heading'))) toast.success(t('builder.theme.saved'));
    setBusy(false);
  }

  return (
    <form className="theme-editor" onSubmit={(event) => void save(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('builder.theme.heading')}</h2>
      <fieldset>
        <legend>{t('builder.theme.palette')}</legend>
        <div className="swatches">
          {PALETTES.map((palette) => (
            <label key={palette} className={`swatch palette-${palette}`}>
              <input
                type="radio"
                name={`${id}-palette`}
                value={palette}
                checked={theme.palette === palette}
                onChange={() => setTheme({ ...theme, palette })}
              />
              <span className="swatch-colour" aria-hidden="true" />
              {t(`palette.${palette}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('builder.theme.radius')}</legend>
        <div className="swatches">
          {RADII.map((radius) => (
            <label key={radius} className={`swatch radius-${radius}`}>
              <input
                type="radio"
                name={`${id}-radius`}
                value={radius}
                checked={theme.radius === radius}
                onChange={() => setTheme({ ...theme, radius })}
              />
              <span className="swatch-corner" aria-hidden="true" />
              {t(`radius.${radius}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" disabled={busy || !dirty}>
        {t('builder.theme.save')}
      </button>
    </form>
  );
}

export function EditPanel() {
  const { t } = useI18n();
  const builder = useBuilder();
  const document = builder.answer.draft?.document;
  if (!document) return null;
  const selected = builder.sectionId && findSection(document, builder.sectionId) ? builder.sectionId : null;
  return (
    <div className="edit-panel">
      {selected ? (
        <SectionEditor key={selected} sectionId={selected} />
      ) : (
        <div className="choose">
          <p className="notice">{t('builder.edit.choose')}</p>
          <button type="button" className="secondary mobile-only" onClick={() => builder.setView('preview')}>
            {t('builder.edit.chooseShort')}
          </button>
        </div>
      )}
      {!selected && (
        <>
          <AddSection />
          <AddPage />
          <ThemeEditor />
        </>
      )}
    </div>
  );
}
