/**
 * The selected section's images: each slot (a prop named `image`, empty or not, and every image in
 * a list such as a gallery's) with what it shows now, and two ways to fill it. "Generate an image"
 * (2.5 credits, quoted first; Premium and Enterprise only: other plans are told why, with the way
 * to upgrade on the dashboard's billing, and nothing is sent) posts the prompt and shape to
 * /site/images; "Pick from uploaded images" lists the project's public files. Either way the owner
 * checks the image's description in both languages (prefilled from the prompt) and the section is
 * saved with one update_section.
 */
import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { toast } from 'sonner';
import { publicAssetPath } from '../../../../shared/assets';
import { CREDIT_COSTS } from '../../../../shared/pricing';
import type { SiteImage, SiteSection } from '../../../../shared/site/document';
import { IMAGE_PATH_PATTERN, type LocalText } from '../../../../shared/site/primitives';
import { localePath } from '../../i18n/locales';
import { ApiError, publicConfig } from '../../lib/api';
import { formatNumber } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { useApi } from '../dashboard/data';
import { fieldLabel } from './data';
import { billingHref } from './generation';
import { Quote } from './Quote';
import { useBuilder } from './state';

const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
type Ratio = (typeof RATIOS)[number];
const IMAGE_COST = CREDIT_COSTS.banana_image.credits;
const IMAGE_TIERS = new Set(['premium', 'enterprise']);

export interface ImageSlot {
  keys: string[];
  value: SiteImage | null;
}

const isImage = (value: unknown): value is SiteImage =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as SiteImage).path === 'string' &&
  typeof (value as SiteImage).width === 'number' &&
  typeof (value as SiteImage).height === 'number' &&
  typeof (value as SiteImage).alt === 'object';

/** Every image slot of a section, in document order. */
export function imageSlots(section: SiteSection): ImageSlot[] {
  const slots: ImageSlot[] = [];
  const walk = (node: unknown, keys: string[]) => {
    if (isImage(node)) {
      slots.push({ keys, value: node });
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...keys, String(i)]));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'image' && child === null) slots.push({ keys: [...keys, key], value: null });
        else walk(child, [...keys, key]);
      }
    }
  };
  walk(section.props, []);
  return slots;
}

/** The props with `image` at `keys`. */
function withImage(props: unknown, keys: string[], image: SiteImage): Record<string, unknown> {
  const copy = structuredClone(props) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = image;
  return copy;
}

function useImageUrl() {
  const { project } = useBuilder();
  const [base, setBase] = useState<string | null>(null);
  useEffect(() => void publicConfig().then((config) => setBase(config.supabaseUrl)), []);
  return (path: string) => (base ? `${base}${publicAssetPath(project.id, encodeURIComponent(path))}` : null);
}

export function ImageSlots({ section }: { section: SiteSection }) {
  const { t } = useI18n();
  const id = useId();
  const slots = imageSlots(section);
  if (slots.length === 0) return null;
  return (
    <section className="image-slots" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('builder.image.slots')}</h3>
      {slots.map((slot) => (
        <Slot key={slot.keys.join('/')} section={section} slot={slot} />
      ))}
    </section>
  );
}

type Chosen = { path: string; width: number; height: number; url: string | null };

function Slot({ section, slot }: { section: SiteSection; slot: ImageSlot }) {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const id = useId();
  const url = useImageUrl();
  const [mode, setMode] = useState<'generate' | 'pick' | null>(null);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [alt, setAlt] = useState<LocalText>({ ar: '', en: '' });
  const [busy, setBusy] = useState(false);
  const [altError, setAltError] = useState(false);
  // "Image", "Image 3", "Item 2 · Image": the label of its description, less the last part.
  const label = fieldLabel(t, { keys: [...slot.keys, 'alt'], pointer: '', value: { ar: '', en: '' } })
    .split(' · ')
    .slice(0, -1)
    .join(' · ');
  const [broken, setBroken] = useState(false);
  const current = slot.value;
  const currentUrl = current ? url(current.path) : null;
  useEffect(() => setBroken(false), [currentUrl]);

  function choose(image: Chosen, prefill: LocalText) {
    setChosen(image);
    setAlt(prefill);
    setAltError(false);
  }

  async function use(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen) return;
    const text = { ar: alt.ar.trim().slice(0, 160), en: alt.en.trim().slice(0, 160) };
    if (!text.ar || !text.en) {
      setAltError(true);
      return;
    }
    setBusy(true);
    const image: SiteImage = { path: chosen.path, width: chosen.width, height: chosen.height, alt: text };
    const saved = await builder.save(
      [{ op: 'update_section', sectionId: section.id, variant: null, props: withImage(section.props, slot.keys, image) }],
      t('builder.image.saved').slice(0, 200),
    );
    setBusy(false);
    if (saved) {
      toast.success(t('builder.image.saved'));
      setChosen(null);
      setMode(null);
    }
  }

  return (
    <fieldset className="image-slot">
      <legend>{label}</legend>
      <div className="slot-now">
        {currentUrl && !broken ? (
          <img src={currentUrl} alt="" width={current!.width} height={current!.height} className="thumb" onError={() => setBroken(true)} />
        ) : (
          <span className="thumb empty" aria-hidden="true" />
        )}
        <p className="hint">
          {current ? t('builder.image.current', { alt: current.alt[locale] || current.alt.ar || current.path }) : t('builder.image.empty')}
        </p>
      </div>
      <div className="actions tight">
        <button
          type="button"
          className="secondary small"
          aria-expanded={mode === 'generate'}
          aria-controls={`${id}-generate`}
          onClick={() => setMode(mode === 'generate' ? null : 'generate')}
        >
          {t('builder.image.generate')}
        </button>
        <button
          type="button"
          className="secondary small"
          aria-expanded={mode === 'pick'}
          aria-controls={`${id}-pick`}
          onClick={() => setMode(mode === 'pick' ? null : 'pick')}
        >
          {t('builder.image.pick')}
        </button>
      </div>
      {mode === 'generate' && (
        <div id={`${id}-generate`}>
          <Generate slot={slot} onMade={choose} />
        </div>
      )}
      {mode === 'pick' && (
        <div id={`${id}-pick`}>
          <Pick onPick={(image) => choose(image, current?.alt ?? { ar: '', en: '' })} selected={chosen?.path ?? null} />
        </div>
      )}
      {chosen && mode && (
        <form className="image-use" onSubmit={(event) => void use(event)} noValidate>
          {chosen.url && <img src={chosen.url} alt="" width={chosen.width} height={chosen.height} className="chosen" />}
          <p className="hint" id={`${id}-alt-hint`}>
            {t('builder.image.altHint')}
          </p>
          <div className="pair">
            {(['ar', 'en'] as const).map((lang) => (
              <div className="lang-field" key={lang}>
                <label htmlFor={`${id}-alt-${lang}`} lang={lang}>
                  {t('builder.image.alt')} ({t(`lang.${lang}`)})
                </label>
                <input
                  id={`${id}-alt-${lang}`}
                  dir={lang === 'ar' ? 'rtl' : 'ltr'}
                  lang={lang}
                  maxLength={160}
                  required
                  aria-invalid={altError && !alt[lang].trim() ? true : undefined}
                  aria-describedby={`${id}-alt-hint${altError ? ` ${id}-alt-error` : ''}`}
                  value={alt[lang]}
                  onChange={(event) => setAlt({ ...alt, [lang]: event.target.value })}
                />
              </div>
            ))}
          </div>
          {altError && (
            <p className="error" id={`${id}-alt-error`} role="alert">
              {t('builder.image.altMissing')}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('builder.image.use')}
            </button>
            <button type="button" className="secondary" onClick={() => setChosen(null)}>
              {t('builder.image.cancel')}
            </button>
          </div>
        </form>
      )}
    </fieldset>
  );
}

function Generate({ slot, onMade }: { slot: ImageSlot; onMade: (image: Chosen, alt: LocalText) => void }) {
  const { t, plural, locale } = useI18n();
  const builder = useBuilder();
  const api = useApi();
  const calm = useCalm();
  const id = useId();
  const [prompt, setPrompt] = useState('');
  const [ratio, setRatio] = useState<Ratio>(slot.keys.length === 1 ? '16:9' : '4:3');
  const [busy, setBusy] = useState(false);
  const allowed = builder.tier !== null && IMAGE_TIERS.has(builder.tier);

  if (!allowed) {
    return (
      <div className="notice upgrade" role="note">
        <p>{t('builder.ai.needsPlan', { plan: builder.tier ? t(`tier.${builder.tier}` as 'tier.basic') : '—' })}</p>
        <a className="button secondary small" href={billingHref(locale)}>
          {t('builder.ai.upgrade')}
        </a>
      </div>
    );
  }

  async function generate(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = prompt.trim();
    if (!text) return;
    setBusy(true);
    let refunded = false;
    const made = await calm(async () => {
      try {
        const response = await api.api.projects[':id'].site.images.$post(
          { param: { id: builder.project.id }, json: { prompt: text, aspectRatio: ratio } },
          { headers: { 'Idempotency-Key': crypto.randomUUID() } },
        );
        return await response.json();
      } catch (error) {
        // GEN_001: charged and refunded; the balance is read again below.
        if (error instanceof ApiError && error.code === 'GEN_001') refunded = true;
        throw error;
      }
    });
    setBusy(false);
    if (!made) {
      if (refunded) {
        toast.error(t('builder.image.failed', { cost: plural('unit.credits', IMAGE_COST) }), { closeButton: true });
        await builder.refreshMe().catch(() => {});
      }
      return;
    }
    builder.setBalance(made.balance);
    const image = made.image as { path: string; width?: number; height?: number; url?: string };
    if (!IMAGE_PATH_PATTERN.test(image.path) || !image.width || !image.height) return;
    toast.success(t('builder.image.created'));
    const alt = text.slice(0, 160);
    onMade({ path: image.path, width: image.width, height: image.height, url: image.url ?? null }, { ar: alt, en: alt });
  }

  return (
    <form className="image-generate" onSubmit={(event) => void generate(event)}>
      <label htmlFor={`${id}-prompt`}>{t('builder.image.prompt')}</label>
      <p className="hint" id={`${id}-hint`}>
        {t('builder.image.promptHint')}
      </p>
      <textarea
        id={`${id}-prompt`}
        rows={2}
        maxLength={1000}
        value={prompt}
        onChange={(event) => setPrompt(event.target.value)}
        aria-describedby={`${id}-hint ${id}-quote`}
        disabled={busy}
      />
      <div className="field">
        <label htmlFor={`${id}-ratio`}>{t('builder.image.ratio')}</label>
        <select id={`${id}-ratio`} value={ratio} onChange={(event) => setRatio(event.target.value as Ratio)} disabled={busy}>
          {RATIOS.map((value) => (
            <option key={value} value={value}>
              {t(`builder.image.ratio.${value}`)}
            </option>
          ))}
        </select>
      </div>
      <Quote id={`${id}-quote`} cost={IMAGE_COST} />
      <button type="submit" disabled={busy || !prompt.trim() || builder.balance < IMAGE_COST}>
        {busy ? t('builder.image.creating') : t('builder.image.create', { cost: plural('unit.credits', IMAGE_COST) })}
      </button>
      <p className="visually-hidden" role="status" aria-live="polite">
        {busy ? t('builder.image.creating') : ''}
      </p>
    </form>
  );
}

interface Asset {
  name: string;
  visibility: string;
  url: string;
  contentType: string;
}

/** An image's own size, read by loading it. */
function sizeOf(url: string): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image.naturalWidth > 0 ? { width: image.naturalWidth, height: image.naturalHeight } : null);
    image.onerror = () => resolve(null);
    image.src = url;
  });
}

function Pick({ onPick, selected }: { onPick: (image: Chosen) => void; selected: string | null }) {
  const { t, locale } = useI18n();
  const builder = useBuilder();
  const api = useApi();
  const calm = useCalm();
  const id = useId();
  const [assets, setAssets] = useState<Asset[] | null>(null);

  useEffect(() => {
    let cancelled = false;
    void calm(async () => (await api.api.projects[':id'].assets.$get({ param: { id: builder.project.id } })).json()).then(
      (listing) => !cancelled && setAssets(listing ? (listing.assets as Asset[]) : []),
    );
    return () => void (cancelled = true);
  }, [api, builder.project.id, calm]);

  if (!assets) return <p role="status">{t('builder.image.loading')}</p>;
  const usable = assets.filter((asset) => asset.visibility === 'public' && IMAGE_PATH_PATTERN.test(asset.name));
  const hiddenPrivate = assets.some((asset) => asset.visibility !== 'public');

  async function pick(asset: Asset) {
    const size = await sizeOf(asset.url);
    if (!size) {
      toast.error(t('builder.preview.failed'));
      return;
    }
    onPick({ path: asset.name, ...size, url: asset.url });
  }

  return (
    <div className="image-pick">
      <p className="hint" id={`${id}-title`}>
        {t('builder.image.uploaded')}
      </p>
      {usable.length === 0 ? (
        <p className="notice">{t('builder.image.noneUploaded')}</p>
      ) : (
        <ul className="picks" aria-labelledby={`${id}-title`}>
          {usable.map((asset, i) => (
            <li key={asset.name}>
              <button type="button" className="pick" aria-pressed={selected === asset.name} onClick={() => void pick(asset)}>
                <img src={asset.url} alt="" loading="lazy" />
                <span className="visually-hidden">{t('builder.image.option', { n: formatNumber(locale, i + 1) })}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {hiddenPrivate && <p className="hint">{t('builder.image.private')}</p>}
      <a href={`${localePath(locale, '/dashboard/')}`}>{t('builder.image.manage')}</a>
    </div>
  );
}
