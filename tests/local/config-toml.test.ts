/**
 * supabase/config.toml as a real project gets it (`supabase config push`, `supabase start`): the
 * sign-in email template is wired for the magic link and confirmation emails and carries both the
 * six-digit code and the link, Arabic first; codes are six digits; Google is off until configured,
 * with its credentials only as env() references.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEFAULT_SITE_URL } from '../../supabase/local/stack';

const ROOT = new URL('../../', import.meta.url);

/** The key = value lines of each [section] (values as written, quotes removed from strings). */
function sections(toml: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = { '': {} };
  let current = '';
  for (const line of toml.split('\n')) {
    const header = /^\[([\w.]+)\]\s*$/.exec(line);
    if (header) result[(current = header[1]!)] = {};
    const entry = /^(\w+)\s*=\s*(.+?)\s*$/.exec(line);
    if (entry) result[current]![entry[1]!] = entry[2]!.replace(/^"(.*)"$/, '$1');
  }
  return result;
}

const config = sections(readFileSync(new URL('supabase/config.toml', ROOT), 'utf8'));

it('sends one bilingual template with the code and the link for sign-in and confirmation emails', () => {
  const paths = ['magic_link', 'confirmation'].map((kind) => config[`auth.email.template.${kind}`]?.content_path);
  expect(paths).toEqual(['./supabase/templates/sign-in.html', './supabase/templates/sign-in.html']);
  const html = readFileSync(new URL(paths[0]!, ROOT), 'utf8');
  const [arabic, english] = html.split('<div lang="en" dir="ltr"');
  expect(english).toBeDefined();
  for (const half of [arabic!, english!]) {
    expect(half).toContain('{{ .Token }}');
    expect(half).toContain('href="{{ .ConfirmationURL }}"');
  }
  expect(arabic).toContain('<html lang="ar" dir="rtl">');
  expect(arabic).toContain('رمز الدخول');
  expect(config['auth.email']).toMatchObject({ otp_length: '6' });
});

it('keeps Google off by default, its credentials out of the file, and the local site allowed', () => {
  expect(config['auth.external.google']).toMatchObject({
    enabled: 'false',
    client_id: 'env(SUPABASE_AUTH_EXTERNAL_GOOGLE_CLIENT_ID)',
    secret: 'env(SUPABASE_AUTH_EXTERNAL_GOOGLE_SECRET)',
  });
  expect(config.auth).toMatchObject({ site_url: DEFAULT_SITE_URL });
});
