// Astro builds the site to static files in site/dist; the Worker serves them as assets.
import { defineConfig } from 'astro/config';
import react from '@astrojs/react';
import { cspHashes } from './integrations/csp-hashes.ts';

export default defineConfig({
  site: 'https://kwq8.com',
  output: 'static',
  integrations: [react(), cspHashes()],
  i18n: { locales: ['ar', 'en'], defaultLocale: 'ar', routing: { prefixDefaultLocale: false } },
  // 'preserve': pricing/index.astro → pricing/index.html, en/404.astro → en/404.html (the 404 the assets binding finds for /en/…).
  build: { format: 'preserve', inlineStylesheets: 'always' },
  devToolbar: { enabled: false },
  telemetry: false,
});
