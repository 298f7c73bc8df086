/** Picks the response language from Accept-Language: Arabic unless English is preferred. */
import type { Locale } from '../../shared/errors';

export function localeFromAcceptLanguage(header: string | undefined | null): Locale {
  if (!header) return 'ar';
  let ar = 0;
  let en = 0;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().split(';');
    const primary = tag.trim().toLowerCase().split('-')[0];
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (primary === 'ar') ar = Math.max(ar, q);
    else if (primary === 'en') en = Math.max(en, q);
  }
  return en > ar ? 'en' : 'ar';
}
