// Port checks for `npm run dev` and `npm run db:reset`: a port already taken ends the command with
// a short Arabic + English explanation instead of a stack trace.
import { assertPortFree, PortInUseError } from '../supabase/local/stack.ts';

/** Exits with a clear message if any of `ports` ({port: what}) is taken on 127.0.0.1. */
export async function requireFreePorts(ports) {
  for (const [port, what] of Object.entries(ports)) {
    try {
      await assertPortFree(Number(port));
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      console.error(
        [
          '',
          `المنفذ ${port} مستخدم بالفعل (${what.ar}). أوقف البرنامج الذي يستخدمه (ربما نسخة أخرى من npm run dev) ثم أعد المحاولة.`,
          `Port ${port} is already in use (${what.en}). Stop whatever is using it (perhaps another npm run dev) and try again.`,
          `  lsof -i :${port}   # to see which process holds it`,
          '',
        ].join('\n'),
      );
      process.exit(1);
    }
  }
}

export const PORTS = {
  api: { ar: 'واجهة Supabase المحلية', en: 'local Supabase API' },
  postgres: { ar: 'قاعدة البيانات Postgres', en: 'Postgres' },
  worker: { ar: 'الموقع والواجهة البرمجية', en: 'the site and API (wrangler dev)' },
  upayments: { ar: 'UPayments المحلي', en: 'the local fake UPayments' },
  namecheap: { ar: 'Namecheap المحلي', en: 'the local fake Namecheap' },
  doh: { ar: 'خادم DNS المحلي', en: 'the local fake DNS-over-HTTPS resolver' },
  stripe: { ar: 'Stripe المحلي', en: 'the local fake Stripe' },
  make: { ar: 'Make الوهمي المحلي', en: 'the local fake Make' },
  google: { ar: 'Google الوهمي المحلي', en: 'the local fake Google' },
  ai: { ar: 'الذكاء الاصطناعي الوهمي المحلي', en: 'the local fake AI provider' },
};
