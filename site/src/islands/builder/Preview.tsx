/**
 * The live preview: the draft as the server renders it (GET …/site/preview, fetched with the
 * session's token) in a sandboxed iframe without scripts, at phone or desktop width (a desktop
 * page scaled down to fit), with a page selector and a language switch. While the AI streams,
 * the sections received so far are rendered here in the browser instead. Under it, the page's
 * sections as a list: the iframe runs nothing, so selecting happens there.
 */
import { useEffect, useId, useState } from 'react';
import type { SiteDocument } from '../../../../shared/site/document';
import { formatNumber } from '../../lib/format';
import { useI18n } from '../common';
import { useApi } from '../dashboard/data';
import { previewPath, sectionName, sectionTitle, type Locale } from './data';
import { renderLive, type Generations } from './generation';
import { useBuilder, type Width } from './state';

/** The width each preview lays the page out at (a common phone, a laptop), scaled down to fit the space there is. */
const FRAME_WIDTH = { phone: 375, desktop: 1280 } as const;
const FRAME_HEIGHT = { phone: 740, desktop: 860 } as const;

/** A row of mutually exclusive buttons (aria-pressed), labelled as a group. */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  className,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string; lang?: string }>;
  onChange: (value: T) => void;
  className?: string;
}) {
  return (
    <div className={`segmented ${className ?? ''}`} role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={option.value === value}
          lang={option.lang}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

function usePreviewHtml(document: SiteDocument | null, live: SiteDocument | null, pagePath: string, locale: Locale) {
  const api = useApi();
  const { project, answer } = useBuilder();
  const draftId = answer.draft?.id ?? null;
  const [html, setHtml] = useState<{ key: string; html: string } | null>(null);
  const [failed, setFailed] = useState(false);
  const key = `${draftId}:${previewPath(pagePath, locale)}`;

  useEffect(() => {
    if (!document || live) return;
    let cancelled = false;
    setFailed(false);
    api.api.projects[':id'].site.preview
      .$get({ param: { id: project.id }, query: { path: previewPath(pagePath, locale) } })
      .then((response) => response.text())
      .then(
        (text) => !cancelled && setHtml({ key, html: text }),
        () => !cancelled && setFailed(true),
      );
    return () => void (cancelled = true);
  }, [api, document, key, live, locale, pagePath, project.id]);

  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    void renderLive(live, project.id, pagePath, locale).then((text) => !cancelled && text && setHtml({ key: `live:${key}`, html: text }));
    return () => void (cancelled = true);
  }, [key, live, locale, pagePath, project.id]);

  return { html: html?.html ?? null, stale: html !== null && !html.key.endsWith(key), failed };
}

/** Scales the page laid out at the preview's width down to the space available, so each width shows its own layout on any screen. */
function useScale(width: Width) {
  // A callback ref: the box appears only once there is a draft, after the first render.
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const [scale, setScale] = useState(1);
  useEffect(() => {
    if (!box) return;
    const observer = new ResizeObserver(([entry]) => {
      const available = entry?.contentRect.width ?? FRAME_WIDTH[width];
      setScale(Math.min(1, available / FRAME_WIDTH[width]));
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [box, width]);
  return { box: setBox, scale };
}

export function Preview({ generations }: { generations: Generations }) {
  const i18n = useI18n();
  const { t } = i18n;
  const builder = useBuilder();
  const id = useId();
  const document = generations.live ?? builder.answer.draft?.document ?? null;
  const pageId = (generations.live && generations.livePageId) || builder.pageId;
  const page = document?.pages.find((p) => p.id === pageId) ?? document?.pages[0];
  const locale = builder.previewLocale;
  const { html, stale, failed } = usePreviewHtml(builder.answer.draft?.document ?? null, generations.live, page?.path ?? '/', locale);
  const { box, scale } = useScale(builder.width);

  if (!document || !page) {
    return (
      <section className="preview card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('builder.preview.heading')}</h2>
        <div className="preview-empty">
          <span className="preview-empty-art" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <p>{t('builder.preview.empty')}</p>
        </div>
      </section>
    );
  }

  const pageTitle = page.title[locale] || page.title.ar || page.path;
  const height = FRAME_HEIGHT[builder.width];

  return (
    <section className="preview card" aria-labelledby={`${id}-title`} aria-busy={generations.running || undefined}>
      <div className="preview-head">
        <h2 id={`${id}-title`}>{t('builder.preview.heading')}</h2>
        <div className="preview-tools">
          {document.pages.length > 1 && (
            <div className="field inline">
              <label htmlFor={`${id}-page`}>{t('builder.preview.page')}</label>
              <select id={`${id}-page`} value={page.id} onChange={(event) => builder.setPageId(event.target.value)}>
                {document.pages.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title[builder.previewLocale] || p.title.ar || p.path}
                  </option>
                ))}
              </select>
            </div>
          )}
          <Segmented
            label={t('builder.preview.language')}
            value={locale}
            onChange={builder.setPreviewLocale}
            options={[
              { value: 'ar', label: t('lang.ar'), lang: 'ar' },
              { value: 'en', label: t('lang.en'), lang: 'en' },
            ]}
          />
          <Segmented
            label={t('builder.preview.width')}
            value={builder.width}
            onChange={builder.setWidth}
            options={[
              { value: 'phone', label: t('builder.preview.phone') },
              { value: 'desktop', label: t('builder.preview.desktop') },
            ]}
          />
        </div>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {generations.running && generations.received > 0
          ? t('builder.preview.live', { n: formatNumber(i18n.locale, generations.received) })
          : ''}
      </p>
      <div className={`frame-box ${builder.width}`}>
        <div ref={box} className="frame-shell" style={{ blockSize: `${Math.round(height * scale)}px` }}>
          {html ? (
            <iframe
              className={`frame ${stale ? 'stale' : ''}`}
              title={t('builder.preview.frame', { page: pageTitle, language: t(`lang.${locale}`) })}
              sandbox=""
              srcDoc={html}
              data-testid="preview-frame"
              style={{ inlineSize: `${FRAME_WIDTH[builder.width]}px`, blockSize: `${height}px`, transform: `scale(${scale})` }}
            />
          ) : (
            <p role="status" className="loading frame-status">
              {failed ? t('builder.preview.failed') : t('builder.preview.loading')}
            </p>
          )}
        </div>
      </div>
      <SectionList page={page} />
    </section>
  );
}

function SectionList({ page }: { page: SiteDocument['pages'][number] }) {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  return (
    <div className="section-list">
      <h3 id={`${id}-title`}>{t('builder.sections.heading')}</h3>
      <p className="hint">{t('builder.sections.hint')}</p>
      <ol aria-labelledby={`${id}-title`} data-testid="section-list">
        {page.sections.map((section) => {
          const title = sectionTitle(section, locale);
          return (
            <li key={section.id}>
              <button
                type="button"
                className="section-row"
                aria-pressed={builder.sectionId === section.id}
                onClick={() => {
                  builder.selectSection(section.id);
                  builder.setView('panel');
                }}
              >
                <span className="section-type">{sectionName(t, section.type)}</span>
                <bdi className="section-title">{title || t('builder.sections.untitled')}</bdi>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
