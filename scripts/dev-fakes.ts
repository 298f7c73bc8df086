/**
 * The local fakes `npm run dev` starts (tests/fakes, the same ones the tests use) when .dev.vars
 * points at their default addresses: Make on 127.0.0.1:8792 (its inbox page is the root) and
 * Google on 127.0.0.1:8793 (token and Calendar endpoints), the AI providers on 127.0.0.1:8796
 * (OpenAI and Anthropic text under /v1, Gemini images under /v1beta). Values in .dev.vars win: a URL that
 * points elsewhere starts nothing, and a GOOGLE_SERVICE_ACCOUNT_JSON set there is used as it is;
 * left empty, the fake's own service account is handed to `wrangler dev` with `--var`. The fake
 * Google's key is kept in .local/ so the account stays the same across runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startFakeGoogle } from '../tests/fakes/google';
import { FAKE_AI_API_KEY, FAKE_AI_PORT, startFakeAi } from '../tests/fakes/ai';
import { FAKE_MAKE_SECRET, startFakeMake } from '../tests/fakes/make';

export { FAKE_AI_PORT };

export const FAKE_MAKE_PORT = 8792;
export const FAKE_GOOGLE_PORT = 8793;

const pointsAt = (url: string | undefined, port: number) => Boolean(url?.startsWith(`http://127.0.0.1:${port}/`));

/** Which fakes .dev.vars asks for, before anything starts (so their ports can be checked first). */
export function wantedFakes(vars: Record<string, string>) {
  return {
    make: pointsAt(vars.MAKE_WEBHOOK_URL, FAKE_MAKE_PORT),
    google: pointsAt(vars.GOOGLE_TOKEN_URL, FAKE_GOOGLE_PORT) || pointsAt(vars.GOOGLE_CALENDAR_API_BASE, FAKE_GOOGLE_PORT),
    ai: pointsAt(vars.AI_TEXT_BASE_URL, FAKE_AI_PORT) || pointsAt(vars.AI_IMAGE_BASE_URL, FAKE_AI_PORT),
  };
}

export interface DevFakes {
  /** Extra `wrangler dev` arguments (`--var NAME:value`). */
  wranglerArgs: string[];
  /** One line per fake started, for the start-up banner. */
  lines: string[];
  stop(): Promise<void>;
}

export async function startDevFakes(vars: Record<string, string>, { googleKeyFile }: { googleKeyFile: string }): Promise<DevFakes> {
  const wanted = wantedFakes(vars);
  const wranglerArgs: string[] = [];
  const lines: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    if (wanted.make) {
      const make = await startFakeMake({ port: FAKE_MAKE_PORT, secret: vars.MAKE_WEBHOOK_SECRET || FAKE_MAKE_SECRET });
      stops.push(make.close);
      lines.push(`Make المحلي · local Make inbox: ${make.url}`);
    }
    if (wanted.google) {
      const privateKeyPem = existsSync(googleKeyFile) ? await readFile(googleKeyFile, 'utf8') : undefined;
      const google = await startFakeGoogle({ port: FAKE_GOOGLE_PORT, privateKeyPem });
      stops.push(google.close);
      if (!privateKeyPem) {
        await mkdir(dirname(googleKeyFile), { recursive: true });
        await writeFile(googleKeyFile, google.serviceAccount.private_key, { mode: 0o600 });
      }
      if (!vars.GOOGLE_SERVICE_ACCOUNT_JSON) wranglerArgs.push('--var', `GOOGLE_SERVICE_ACCOUNT_JSON:${google.serviceAccountJson}`);
      lines.push(`Google المحلي · local Google (token, Calendar): ${google.url}`);
    }
    if (wanted.ai) {
      // One key for the fake: the text one when text points at it, else the image one.
      const key = pointsAt(vars.AI_TEXT_BASE_URL, FAKE_AI_PORT) ? vars.AI_TEXT_API_KEY : vars.AI_IMAGE_API_KEY;
      const ai = await startFakeAi({ port: FAKE_AI_PORT, apiKey: key || FAKE_AI_API_KEY });
      stops.push(ai.close);
      lines.push(`الذكاء الاصطناعي المحلي · local AI (OpenAI/Anthropic text, Gemini images): ${ai.url}`);
    }
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    throw error;
  }
  return { wranglerArgs, lines, stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}
