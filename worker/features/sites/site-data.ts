/**
 * The site data the Worker reads from its static assets (shared/site/site-data.ts): the AI
 * actions' JSON Schemas and the starter documents, fetched from the ASSETS binding on first use
 * and kept for the isolate's life (a deploy brings a new isolate with the new file).
 */
import { fillStarter, SITE_DATA_PATH, type SiteData } from '../../../shared/site/site-data';
import { parseSiteDocument, type SiteDocument } from '../../../shared/site/document';
import type { StarterType } from '../../../shared/site/document';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';

let loading: Promise<SiteData> | undefined;

export function siteData(env: Bindings): Promise<SiteData> {
  loading ??= env.ASSETS.fetch(new Request(`https://assets.invalid${SITE_DATA_PATH}`)).then(async (response) => {
    if (!response.ok) throw new AppError('SRV_001', { cause: { siteData: response.status } });
    return (await response.json()) as SiteData;
  });
  // A failed load is tried again by the next request.
  loading.catch(() => (loading = undefined));
  return loading;
}

/** The starter document of a business type with the project's names, validated like any document. */
export async function starterDocument(env: Bindings, type: StarterType, names: { nameAr: string; nameEn: string }): Promise<SiteDocument> {
  const parsed = parseSiteDocument(fillStarter((await siteData(env)).templates[type], names));
  if (!parsed.ok) throw new AppError('SITE_003');
  return parsed.document;
}
