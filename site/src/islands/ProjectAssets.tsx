/**
 * A project's logo and images on the dashboard (Arabic or English): previews, uploads with a
 * progress bar, public or private images, deletion, and how much of the quota is used. Talks to
 * /api/projects/:id/assets; files are checked here (type by their first bytes, size) before they
 * are sent, and again by the Worker. Uploads use XMLHttpRequest, the one browser API that reports
 * upload progress.
 */
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { ASSET_MAX_BYTES, LOGO_NAME, sniffImageType, type AssetVisibility } from '../../../shared/assets';
import { assetsText, type AssetsText } from '../i18n/assets';
import type { SiteLocale } from '../i18n/locales';
import { errorMessage, isErrorCode } from '../../../shared/errors';
import { ApiError, supabase } from '../lib/api';

interface Asset {
  name: string;
  visibility: AssetVisibility;
  url: string;
  size: number;
  contentType: string;
}
interface Listing {
  assets: Asset[];
  usage: { files: number; bytes: number };
  limits: { files: number; bytes: number };
}
type Notice = { kind: 'ok' | 'error'; text: string };

const megabytes = (bytes: number, locale: SiteLocale) =>
  new Intl.NumberFormat(locale === 'ar' ? 'ar-KW' : 'en', { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024));

/** The file's problem in the page's language, or null when it may be sent. */
async function checkFile(file: File, text: AssetsText): Promise<string | null> {
  if (file.size > ASSET_MAX_BYTES) return text.tooLarge;
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  return sniffImageType(head) ? null : text.notAnImage;
}

type Answer = { asset?: Asset; error?: { code: string; message: string } } | null;

function parseAnswer(text: string): Answer {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return null;
  }
}

const errorOf = (status: number, answer: Answer) =>
  new ApiError(isErrorCode(answer?.error?.code) ? answer.error.code : status >= 500 ? 'SRV_001' : 'REQ_004', status);

async function authHeaders(locale: SiteLocale): Promise<Record<string, string>> {
  const { data } = await (await supabase()).auth.getSession();
  const token = data.session?.access_token;
  return token ? { 'Accept-Language': locale, Authorization: `Bearer ${token}` } : { 'Accept-Language': locale };
}

/** A JSON call to the assets API with the session's token; 204 resolves with undefined. */
async function request<T>(path: string, locale: SiteLocale, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: await authHeaders(locale) });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  const text = await response.text();
  if (!response.ok) throw errorOf(response.status, parseAnswer(text));
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sends the file as the request body, reporting progress; resolves with the stored asset. */
async function send(method: 'POST' | 'PUT', path: string, file: File, locale: SiteLocale, onProgress: (percent: number) => void) {
  const headers = await authHeaders(locale);
  return new Promise<Asset>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, path);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () => {
      const body = parseAnswer(request.responseText);
      if (request.status >= 200 && request.status < 300 && body?.asset) resolve(body.asset);
      else reject(errorOf(request.status, body));
    };
    request.onerror = () => reject(new ApiError('NETWORK', 0));
    request.send(file);
  });
}

export default function ProjectAssets({ projectId, locale = 'ar' }: { projectId: string; locale?: SiteLocale }) {
  const text = assetsText[locale];
  const ids = useId();
  const [listing, setListing] = useState<Listing>();
  const [notice, setNotice] = useState<Notice>();
  const [progress, setProgress] = useState<number | null>(null);
  const [visibility, setVisibility] = useState<AssetVisibility>('public');
  // Files uploaded in this visit are shown from memory: a replaced logo keeps its URL, which caches may still hold.
  const [previews, setPreviews] = useState<Record<string, string>>({});
  const previewUrls = useRef<string[]>([]);
  const base = `/api/projects/${projectId}/assets`;
  const busy = progress !== null;

  const fail = (error: unknown) =>
    setNotice({
      kind: 'error',
      text: error instanceof ApiError && error.code !== 'NETWORK' ? errorMessage(error.code, locale) : text.failed,
    });
  const load = async () => setListing(await request<Listing>(base, locale));

  useEffect(() => {
    load().catch(fail);
  }, [projectId]);

  useEffect(() => () => previewUrls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  async function upload(event: ChangeEvent<HTMLInputElement>, logo: boolean) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const problem = await checkFile(file, text);
    if (problem) return setNotice({ kind: 'error', text: problem });
    setNotice(undefined);
    setProgress(0);
    try {
      const asset = logo
        ? await send('PUT', `${base}/public/${LOGO_NAME}`, file, locale, setProgress)
        : await send('POST', `${base}?visibility=${visibility}`, file, locale, setProgress);
      const preview = URL.createObjectURL(file);
      previewUrls.current.push(preview);
      setPreviews((current) => ({ ...current, [asset.name]: preview }));
      setNotice({ kind: 'ok', text: text.uploaded });
      await load();
    } catch (error) {
      fail(error);
    } finally {
      setProgress(null);
    }
  }

  async function remove(asset: Asset) {
    if (!window.confirm(text.confirmDelete)) return;
    try {
      await request<void>(`${base}/${asset.visibility}/${asset.name}`, locale, { method: 'DELETE' });
      setNotice({ kind: 'ok', text: text.deleted });
      await load();
    } catch (error) {
      fail(error);
    }
  }

  const logo = listing?.assets.find((asset) => asset.visibility === 'public' && asset.name === LOGO_NAME);
  const images = listing?.assets.filter((asset) => asset !== logo) ?? [];
  const src = (asset: Asset) => previews[asset.name] ?? asset.url;

  return (
    <section className="card project-assets" aria-labelledby={`${ids}-title`} lang={locale} dir={locale === 'ar' ? 'rtl' : 'ltr'}>
      <h2 id={`${ids}-title`}>{text.title}</h2>
      <p className={`notice ${notice?.kind ?? ''}`} role={notice?.kind === 'error' ? 'alert' : 'status'}>
        {notice?.text ?? ''}
      </p>
      {progress !== null && (
        <div className="upload-progress">
          <label htmlFor={`${ids}-progress`}>{text.uploading(progress)}</label>
          <progress id={`${ids}-progress`} max={100} value={progress} />
        </div>
      )}
      {!listing ? (
        <p role="status">{text.loading}</p>
      ) : (
        <>
          <p className="usage">
            {text.usage(
              listing.usage.files,
              listing.limits.files,
              megabytes(listing.usage.bytes, locale),
              megabytes(listing.limits.bytes, locale),
            )}
          </p>

          <h3>{text.logoTitle}</h3>
          <p id={`${ids}-logo-hint`}>{text.logoHint}</p>
          {logo ? (
            <figure className="asset logo">
              <img src={src(logo)} alt={text.logoAlt} width={160} height={160} />
              <button type="button" className="link" onClick={() => remove(logo)} disabled={busy}>
                {text.deleteLogo}
              </button>
            </figure>
          ) : (
            <p>{text.noLogo}</p>
          )}
          <label htmlFor={`${ids}-logo`}>{logo ? text.replaceLogo : text.chooseLogo}</label>
          <input
            id={`${ids}-logo`}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            aria-describedby={`${ids}-logo-hint`}
            onChange={(event) => upload(event, true)}
            disabled={busy}
          />

          <h3>{text.imagesTitle}</h3>
          <p id={`${ids}-images-hint`}>{text.imagesHint}</p>
          <fieldset disabled={busy}>
            <legend>{text.visibilityLabel}</legend>
            {(['public', 'private'] as const).map((option) => (
              <label key={option}>
                <input
                  type="radio"
                  name={`${ids}-visibility`}
                  value={option}
                  checked={visibility === option}
                  onChange={() => setVisibility(option)}
                />{' '}
                {option === 'public' ? text.visibilityPublic : text.visibilityPrivate}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${ids}-image`}>{text.chooseImage}</label>
          <input
            id={`${ids}-image`}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            aria-describedby={`${ids}-images-hint`}
            onChange={(event) => upload(event, false)}
            disabled={busy}
          />
          {images.length === 0 ? (
            <p>{text.noImages}</p>
          ) : (
            <ul className="assets">
              {images.map((asset, index) => (
                <li key={`${asset.visibility}/${asset.name}`}>
                  <figure className="asset">
                    <img src={src(asset)} alt={text.imageAlt(index + 1)} width={160} height={120} loading="lazy" />
                    <figcaption>{asset.visibility === 'public' ? text.publicBadge : text.privateBadge}</figcaption>
                  </figure>
                  <button type="button" className="link" onClick={() => remove(asset)} disabled={busy}>
                    {text.deleteImage(index + 1)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
