/**
 * Passwordless sign-in: the visitor enters an e-mail, receives a 6-digit code (or a link), and
 * types the code here, in Western or Arabic digits (an Arabic phone keyboard types ٠-٩ or ۰-۹);
 * or continues with Google when the deployment has it on. The e-mail link and Google both return
 * here with `?code=` (PKCE), which the Auth client exchanges as it starts; this page then moves on
 * to the dashboard, or says the sign-in did not finish. A wrong code is shown at the field;
 * sending and checking failures are toasts with a retry, and what was typed stays.
 */
import { isAuthRetryableFetchError, type AuthError } from '@supabase/supabase-js';
import { useEffect, useState, type SubmitEvent } from 'react';
import { asciiDigits } from '../../../shared/digits';
import type { TextKey } from '../i18n';
import { localePath, type SiteLocale } from '../i18n/locales';
import { ApiError, publicConfig, supabase } from '../lib/api';
import { IslandRoot, Rich, useCalm, useI18n } from './common';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "١٢٣ ٤٥٦" → "123456"; anything that is not six digits after that is refused before asking Auth. */
const normaliseCode = (typed: string) => asciiDigits(typed).replace(/[\s-]/g, '');

/** Auth failures that trying again could fix, as the API's own codes; the rest are the caller's to show. */
function retryableFailure(failure: AuthError): ApiError | undefined {
  if (isAuthRetryableFetchError(failure)) return new ApiError('NETWORK', 0);
  if (failure.status === 429) return new ApiError('RATE_001', 429);
  if ((failure.status ?? 0) >= 500) return new ApiError('SRV_002', failure.status ?? 503);
  return undefined;
}

type Step = { name: 'email' } | { name: 'code'; email: string };

/** Whether this page was opened as the end of a sign-in: an Auth redirect with a code or an error. */
function isAuthReturn(): boolean {
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  return query.has('code') || query.has('error') || fragment.has('error') || fragment.has('access_token');
}

function SignInForm() {
  const { t, locale } = useI18n();
  const calm = useCalm();
  const [step, setStep] = useState<Step>({ name: 'email' });
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<TextKey>();
  const [google, setGoogle] = useState(false);
  const [finishing, setFinishing] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  // Until the island is interactive the server-rendered form stays disabled: a native submit
  // would put the e-mail address in the URL (and in every log on the way).
  const [ready, setReady] = useState(false);
  const disabled = busy || finishing || redirecting || !ready;
  const returnHere = () => `${location.origin}${localePath(locale, '/signin/')}`;

  useEffect(() => {
    setReady(true);
    // Without the setting the e-mail form still works (and reports its own failures).
    publicConfig().then(
      (config) => setGoogle(config.googleSignIn),
      () => {},
    );
    // Back from Google's page through the browser's history: the button is usable again.
    const restored = (event: PageTransitionEvent) => event.persisted && setRedirecting(false);
    addEventListener('pageshow', restored);
    return () => removeEventListener('pageshow', restored);
  }, []);

  useEffect(() => {
    if (!isAuthReturn()) return;
    setFinishing(true);
    /** True when leaving for the dashboard; the Auth client has exchanged the code by the time it answers. */
    const finish = async () => {
      const { data } = await (await supabase()).auth.getSession();
      if (data.session) {
        location.replace(localePath(locale, '/dashboard/'));
        return true;
      }
      // Expired or used, opened in another browser, or cancelled: nothing to retry with this URL.
      history.replaceState(null, '', location.pathname);
      setError('signin.returnFailed');
      return false;
    };
    // Auth unreachable is a toast with a retry; the form is usable meanwhile.
    void calm(finish).then((leaving) => !leaving && setFinishing(false));
  }, [calm, locale]);

  async function continueWithGoogle() {
    setError(undefined);
    setRedirecting(true);
    const leaving = await calm(async () => {
      // supabase-js keeps the PKCE verifier in this browser and navigates to Google.
      const { error: failure } = await (
        await supabase()
      ).auth.signInWithOAuth({ provider: 'google', options: { redirectTo: returnHere() } });
      if (failure) throw retryableFailure(failure) ?? new ApiError('SRV_001', failure.status ?? 500);
      return true;
    });
    if (!leaving) setRedirecting(false);
  }

  async function sendCode(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) return setError('signin.badEmail');
    setError(undefined);
    setBusy(true);
    await calm(
      async () => {
        const { error: failure } = await (
          await supabase()
        ).auth.signInWithOtp({
          email: address,
          options: { emailRedirectTo: returnHere(), shouldCreateUser: true },
        });
        if (failure) {
          const status = failure.status ?? 500;
          if (status === 400 || status === 422) {
            setError('signin.badEmail');
            return undefined;
          }
          throw retryableFailure(failure) ?? new ApiError('SRV_001', status);
        }
        setCode('');
        setStep({ name: 'code', email: address });
        return t('signin.sentToast');
      },
      (sent) => sent,
    );
    setBusy(false);
  }

  async function verify(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.name !== 'code') return;
    const token = normaliseCode(code);
    if (!/^\d{6}$/.test(token)) return setError('signin.badCodeFormat');
    setError(undefined);
    setBusy(true);
    const signedIn = await calm(async () => {
      const { error: failure } = await (await supabase()).auth.verifyOtp({ email: step.email, token, type: 'email' });
      if (!failure) return true;
      const retryable = retryableFailure(failure);
      if (retryable) throw retryable;
      setError('signin.badCode');
      return false;
    });
    if (signedIn) location.assign(localePath(locale, '/dashboard/'));
    else setBusy(false);
  }

  const errorText = error ? t(error) : '';
  return (
    <div className="card signin">
      {finishing && <p role="status">{t('signin.finishing')}</p>}
      {step.name === 'email' ? (
        <form onSubmit={sendCode} method="post" noValidate>
          <label htmlFor="email">{t('signin.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            inputMode="email"
            autoComplete="email"
            dir="ltr"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-invalid={error === 'signin.badEmail' ? true : undefined}
            aria-describedby="signin-error"
            disabled={disabled}
          />
          <button type="submit" disabled={disabled}>
            {busy ? t('signin.sending') : t('signin.send')}
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate>
          <p role="status">
            <Rich
              text={t('signin.sent')}
              values={{
                email: (
                  <bdi dir="ltr" className="address">
                    {step.email}
                  </bdi>
                ),
              }}
            />
          </p>
          <label htmlFor="code">{t('signin.code')}</label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            dir="ltr"
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby="code-hint signin-error"
            disabled={busy}
          />
          <p id="code-hint" className="hint">
            {t('signin.codeHint')}
          </p>
          <button type="submit" disabled={busy}>
            {busy ? t('signin.verifying') : t('signin.verify')}
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              setError(undefined);
              setStep({ name: 'email' });
            }}
            disabled={busy}
          >
            {t('signin.other')}
          </button>
        </form>
      )}
      <p id="signin-error" className="error" role="alert">
        {errorText}
      </p>
      {google && step.name === 'email' && (
        <div className="signin-other">
          <p className="or">{t('signin.or')}</p>
          <button type="button" className="secondary" onClick={() => void continueWithGoogle()} disabled={disabled}>
            {redirecting ? t('signin.googleRedirecting') : t('signin.google')}
          </button>
        </div>
      )}
    </div>
  );
}

export default function SignIn({ locale }: { locale: SiteLocale }) {
  return (
    <IslandRoot locale={locale}>
      <SignInForm />
    </IslandRoot>
  );
}
