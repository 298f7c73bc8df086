/**
 * What the islands share: the page's translator (React context), messages with elements in their
 * placeholders, the toaster, and `useCalm()`, which runs an action and reports its outcome as a
 * toast in the page's language, with a retry when the failure was the network's or the server's.
 */
import { createContext, Fragment, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { toast, Toaster } from 'sonner';
import { errorMessage } from '../../../shared/errors';
import { parts, translator, type Translator } from '../i18n';
import { LOCALE_DIR, localePath, type SiteLocale } from '../i18n/locales';
import { ApiError } from '../lib/api';
import { reportClientError, watchClientErrors } from '../lib/client-errors';

const I18n = createContext<Translator>(translator('ar'));

export const useI18n = () => useContext(I18n);

/** The island's root: translator, toaster and error reporting for everything inside. */
export function IslandRoot({ locale, children }: { locale: SiteLocale; children: ReactNode }) {
  const i18n = useMemo(() => translator(locale), [locale]);
  useEffect(watchClientErrors, []);
  return (
    <I18n.Provider value={i18n}>
      {children}
      <Toaster
        dir={LOCALE_DIR[locale]}
        position="bottom-center"
        customAriaLabel={i18n.t('toast.region')}
        toastOptions={{ closeButtonAriaLabel: i18n.t('toast.close') }}
      />
    </I18n.Provider>
  );
}

/** A message whose placeholders are elements: <Rich text={t('x')} values={{ email: <bdi>…</bdi> }} />. */
export function Rich({ text, values }: { text: string; values: Record<string, ReactNode> }) {
  return (
    <>
      {parts(text).map((part, index) => (
        <Fragment key={index}>{typeof part === 'string' ? part : (values[part.name] ?? `{${part.name}}`)}</Fragment>
      ))}
    </>
  );
}

/** The text for a failure in the page's language: the API's catalogue, or "no connection". */
export function failureText(error: unknown, i18n: Translator): string {
  if (error instanceof ApiError) return error.code === 'NETWORK' ? i18n.t('common.networkError') : errorMessage(error.code, i18n.locale);
  return errorMessage('SRV_001', i18n.locale);
}

/**
 * `calm(work, success)` runs `work`; on success it shows `success(result)` (if any) and resolves
 * to the result, on failure it shows what went wrong (offering a retry when trying again could
 * help) and resolves to undefined. A lapsed session goes to the sign-in page; unexpected errors
 * are also reported. Callers keep what the visitor typed until the work succeeds.
 */
export function useCalm() {
  const i18n = useI18n();
  return useCallback(
    function calm<T>(work: () => Promise<T>, success?: (result: T) => string | undefined): Promise<T | undefined> {
      return work().then(
        (result) => {
          const message = success?.(result);
          if (message) toast.success(message);
          return result;
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.signedOut) {
            location.assign(localePath(i18n.locale, '/signin/'));
            return undefined;
          }
          if (!(error instanceof ApiError)) reportClientError(error);
          const retry = !(error instanceof ApiError) || error.retryable;
          toast.error(failureText(error, i18n), {
            ...(retry ? { action: { label: i18n.t('common.retry'), onClick: () => void calm(work, success) }, duration: Infinity } : {}),
            closeButton: true,
          });
          return undefined;
        },
      );
    },
    [i18n],
  );
}
