/**
 * Passwordless sign-in: the visitor enters an e-mail, receives a 6-digit code (or a link), and
 * types the code here. Every step shows progress, and failures say what to do next.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { supabase } from '../lib/api';

const TEXT = {
  ar: {
    email: 'البريد الإلكتروني',
    send: 'أرسل رمز الدخول',
    sending: 'جارٍ الإرسال…',
    sent: (email: string) => `أرسلنا رمزاً من 6 أرقام إلى ${email}. يمكنك أيضاً الضغط على الرابط في الرسالة.`,
    code: 'رمز الدخول',
    verify: 'تسجيل الدخول',
    verifying: 'جارٍ التحقق…',
    other: 'استخدم بريداً آخر',
    badEmail: 'أدخل بريداً إلكترونياً صحيحاً.',
    badCode: 'الرمز غير صحيح أو انتهت صلاحيته. اطلب رمزاً جديداً.',
    failed: 'تعذر إرسال الرمز الآن. حاول بعد قليل.',
  },
  en: {
    email: 'Email',
    send: 'Send sign-in code',
    sending: 'Sending…',
    sent: (email: string) => `We sent a 6-digit code to ${email}. You can also use the link in the email.`,
    code: 'Sign-in code',
    verify: 'Sign in',
    verifying: 'Checking…',
    other: 'Use another email',
    badEmail: 'Enter a valid email address.',
    badCode: 'That code is wrong or has expired. Ask for a new one.',
    failed: 'We could not send the code right now. Please try again shortly.',
  },
};

type Step = { name: 'email' } | { name: 'code'; email: string };

export default function SignIn({ locale = 'ar' }: { locale?: 'ar' | 'en' }) {
  const t = TEXT[locale];
  const [step, setStep] = useState<Step>({ name: 'email' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // Until the island is interactive the server-rendered form stays disabled: a native submit
  // would put the e-mail address in the URL (and in every log on the way).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const disabled = busy || !ready;

  async function sendCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return setError(t.badEmail);
    setBusy(true);
    setError('');
    try {
      const { error: failure } = await (
        await supabase()
      ).auth.signInWithOtp({
        email,
        options: { emailRedirectTo: `${location.origin}/dashboard/`, shouldCreateUser: true },
      });
      if (failure) throw failure;
      setStep({ name: 'code', email });
    } catch {
      setError(t.failed);
    } finally {
      setBusy(false);
    }
  }

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.name !== 'code') return;
    const token = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError('');
    try {
      const { error: failure } = await (await supabase()).auth.verifyOtp({ email: step.email, token, type: 'email' });
      if (failure) throw failure;
      location.assign('/dashboard/');
    } catch {
      setError(t.badCode);
      setBusy(false);
    }
  }

  return (
    <div className="card">
      {step.name === 'email' ? (
        <form onSubmit={sendCode} method="post" noValidate>
          <label htmlFor="email">{t.email}</label>
          <input id="email" name="email" type="email" inputMode="email" autoComplete="email" dir="ltr" required disabled={disabled} />
          <button type="submit" disabled={disabled}>
            {busy ? t.sending : t.send}
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate>
          <p role="status">{t.sent(step.email)}</p>
          <label htmlFor="code">{t.code}</label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            dir="ltr"
            required
            disabled={busy}
          />
          <button type="submit" disabled={busy}>
            {busy ? t.verifying : t.verify}
          </button>
          <button type="button" className="link" onClick={() => setStep({ name: 'email' })} disabled={busy}>
            {t.other}
          </button>
        </form>
      )}
      <p className="error" role="alert" aria-live="assertive">
        {error}
      </p>
    </div>
  );
}
