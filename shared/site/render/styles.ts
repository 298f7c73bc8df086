/**
 * The published sites' CSS: one stylesheet for right-to-left and left-to-right (logical properties
 * only), the theme as custom properties from named palettes, and the self-hosted Noto Kufi Arabic
 * subset. Nothing here depends on a document's text, so each style element's hash is stable.
 */
import type { SiteTheme } from '../document';

type Palette = {
  bg: string;
  surface: string;
  text: string;
  muted: string;
  primary: string;
  onPrimary: string;
  soft: string;
  border: string;
};

/** Text on bg and surface ≥ 7:1, muted ≥ 4.5:1, on-primary on primary ≥ 4.5:1. */
const PALETTES: Record<SiteTheme['palette'], Palette> = {
  pearl: {
    bg: '#fbfaf7',
    surface: '#ffffff',
    text: '#1d2127',
    muted: '#545b66',
    primary: '#7f5f16',
    onPrimary: '#ffffff',
    soft: '#f3ecdc',
    border: '#e4ddcc',
  },
  desert: {
    bg: '#fbf6ef',
    surface: '#ffffff',
    text: '#2a1c13',
    muted: '#654f41',
    primary: '#9a3f25',
    onPrimary: '#ffffff',
    soft: '#f3e3d2',
    border: '#e6d3bf',
  },
  gulf: {
    bg: '#f4f9fa',
    surface: '#ffffff',
    text: '#0e2430',
    muted: '#455d6b',
    primary: '#0a6475',
    onPrimary: '#ffffff',
    soft: '#dbeff2',
    border: '#c7e0e5',
  },
  palm: {
    bg: '#f6f8f3',
    surface: '#ffffff',
    text: '#16251a',
    muted: '#4b5a4e',
    primary: '#2c6536',
    onPrimary: '#ffffff',
    soft: '#e0ecdb',
    border: '#cddcc7',
  },
  rose: {
    bg: '#fdf7f8',
    surface: '#ffffff',
    text: '#2d1920',
    muted: '#664a53',
    primary: '#9c3154',
    onPrimary: '#ffffff',
    soft: '#f6e0e7',
    border: '#ecccd6',
  },
  night: {
    bg: '#0f1720',
    surface: '#17222e',
    text: '#eef2f6',
    muted: '#b3bfcb',
    primary: '#e3b75c',
    onPrimary: '#1a1406',
    soft: '#1b2835',
    border: '#2a3a4a',
  },
};
const RADIUS: Record<SiteTheme['radius'], string> = { none: '0', soft: '.6rem', round: '1.25rem' };
const KUFI = "'Noto Kufi Arabic',system-ui,sans-serif";
const SYSTEM = "system-ui,'Segoe UI',Tahoma,sans-serif";
const FONTS: Record<SiteTheme['fonts'], [heading: string, body: string]> = {
  kufi: [KUFI, KUFI],
  kufi_system: [KUFI, SYSTEM],
  system: [SYSTEM, SYSTEM],
};

export function usesKufi(theme: SiteTheme): boolean {
  return theme.fonts !== 'system';
}

/** The theme's custom properties. */
export function themeCss(theme: SiteTheme): string {
  const p = PALETTES[theme.palette];
  const [heading, body] = FONTS[theme.fonts];
  return (
    `:root{--bg:${p.bg};--surface:${p.surface};--text:${p.text};--muted:${p.muted};--primary:${p.primary};` +
    `--on-primary:${p.onPrimary};--soft:${p.soft};--border:${p.border};--radius:${RADIUS[theme.radius]};` +
    `--font-head:${heading};--font-body:${body};color-scheme:${theme.palette === 'night' ? 'dark' : 'light'}}`
  );
}

const ARABIC_RANGE =
  'U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC';
const LATIN_RANGE =
  'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';

/** The font file served under assetBase, as scripts/site-assets.ts copies it. */
export function fontFile(assetBase: string, subset: 'arabic' | 'latin', weight: 400 | 700): string {
  return `${assetBase}/fonts/noto-kufi-arabic-${subset}-${weight}-normal.woff2`;
}

/** A prefix safe inside url() and an attribute: a site path or an http(s) origin plus path. */
export function checkAssetBase(assetBase: string): string {
  if (!/^(?:https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?)?(?:\/[A-Za-z0-9._~-]+)*$/.test(assetBase))
    throw new TypeError('assetBase: not a URL prefix');
  return assetBase;
}

function fontFaces(assetBase: string): string {
  let css = '';
  for (const [subset, range] of [
    ['arabic', ARABIC_RANGE],
    ['latin', LATIN_RANGE],
  ] as const) {
    // One Arabic weight: its 700 file is another 44 KB, over the first-load budget, so Arabic
    // bold is synthesised from 400 (Latin keeps both, at 10 KB each).
    for (const weight of subset === 'arabic' ? ([400] as const) : ([400, 700] as const)) {
      css +=
        `@font-face{font-family:'Noto Kufi Arabic';font-style:normal;font-display:swap;font-weight:${weight};` +
        `src:url(${fontFile(assetBase, subset, weight)}) format('woff2');unicode-range:${range}}`;
    }
  }
  return css;
}

const BASE = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;scroll-behavior:smooth;scroll-padding-block-start:5rem}
body{margin:0;background:var(--bg);color:var(--text);font:400 1rem/1.75 var(--font-body);overflow-wrap:anywhere}
h1,h2,h3{font-family:var(--font-head);font-weight:700;line-height:1.3;margin-block:0 .6em}
h1{font-size:clamp(2rem,7vw,3.4rem)}h2{font-size:clamp(1.5rem,4.5vw,2.2rem)}h3{font-size:1.15rem}
p{margin-block:0 1em}img{max-inline-size:100%;block-size:auto;display:block}
a{color:var(--primary)}a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--primary);outline-offset:2px}
.wrap{inline-size:min(72rem,100%);margin-inline:auto;padding-inline:1.25rem}
.sr{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;inset-inline-start:1rem;inset-block-start:-4rem;background:var(--primary);color:var(--on-primary);padding:.5rem 1rem;border-radius:var(--radius);z-index:30}.skip:focus{inset-block-start:1rem}
.ribbon{position:sticky;inset-block-start:0;z-index:25;background:#b42318;color:#fff;text-align:center;font-size:.85rem;font-weight:700;padding-block:.25rem}
.top{position:sticky;inset-block-start:0;z-index:20;background:var(--surface);border-block-end:1px solid var(--border)}
.ribbon+.top{inset-block-start:1.9rem}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;min-block-size:4rem;padding-block:.5rem}
.brand{font:700 1.15rem/1.2 var(--font-head);color:var(--text);text-decoration:none;margin-inline-end:auto;display:flex;align-items:center;gap:.6rem;flex:1 0 auto;max-inline-size:100%}
.brand img{inline-size:2.5rem;block-size:2.5rem;object-fit:contain}
.nav{display:flex;gap:.25rem;overflow-x:auto;list-style:none;margin:0;padding:0;max-inline-size:100%}
.nav a,.lang{display:block;padding:.5rem .75rem;border-radius:var(--radius);color:var(--text);text-decoration:none;white-space:nowrap;font-size:.95rem}
.nav a[aria-current]{background:var(--soft);font-weight:700}
.lang{border:1px solid var(--border);font-family:system-ui,sans-serif}
.s{padding-block:clamp(3rem,9vw,5.5rem)}.s:nth-child(even of .s){background:var(--soft)}
.head{max-inline-size:44rem;margin-block-end:2rem}.lead{color:var(--muted);font-size:1.1rem}
.btns{display:flex;flex-wrap:wrap;gap:.75rem;margin-block-start:1.5rem}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:.5rem;min-block-size:3rem;padding:.7rem 1.5rem;border-radius:var(--radius);background:var(--primary);color:var(--on-primary);font-weight:700;text-decoration:none;border:2px solid var(--primary);cursor:pointer;font:inherit;font-weight:700}
.btn.ghost{background:transparent;color:var(--primary)}.btn svg{inline-size:1.25rem;block-size:1.25rem}
.grid{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,16rem),1fr));list-style:none;margin:0;padding:0}
.card{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);padding:1.5rem;box-shadow:0 1px 2px rgb(0 0 0/.04),0 8px 24px rgb(0 0 0/.05)}
.card>img{margin:-1.5rem -1.5rem 1rem;inline-size:calc(100% + 3rem);max-inline-size:none;aspect-ratio:4/3;object-fit:cover;border-start-start-radius:var(--radius);border-start-end-radius:var(--radius)}
.muted{color:var(--muted)}.price{font-weight:700;color:var(--primary);white-space:nowrap}
.rows{list-style:none;margin:0;padding:0;display:grid;gap:.25rem}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;padding-block:.9rem;border-block-end:1px dashed var(--border)}
.row p{margin:0}.two{display:grid;gap:2rem}
@media (min-width:48rem){.two{grid-template-columns:1fr 1fr;align-items:center}.v-two_column .cats{columns:2;column-gap:3rem}.v-split .two{align-items:start}}
.hero{padding-block:clamp(3.5rem,12vw,7rem);position:relative;overflow:hidden}
.hero .lead{font-size:clamp(1.05rem,2.6vw,1.3rem);max-inline-size:40rem}
.eyebrow{display:inline-block;background:var(--soft);color:var(--text);border-radius:999px;padding:.2rem .9rem;font-size:.9rem;font-weight:700;margin-block-end:1rem}
.hero img{border-radius:var(--radius);aspect-ratio:4/3;object-fit:cover;inline-size:100%}
.v-centered{text-align:center}.v-centered .lead{margin-inline:auto}.v-centered .btns{justify-content:center}.v-centered img{margin-block-start:2.5rem}
.v-image_background{color:#fff;min-block-size:70vh;display:grid;align-items:center}
.v-image_background>img{position:absolute;inset:0;inline-size:100%;block-size:100%;border-radius:0;aspect-ratio:auto}
.v-image_background::after{content:'';position:absolute;inset:0;background:linear-gradient(rgb(0 0 0/.45),rgb(0 0 0/.7))}
.v-image_background .wrap{position:relative;z-index:1}.v-image_background .lead{color:#f1f1f1}.v-image_background .btn.ghost{color:#fff;border-color:#fff}
.gal{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,14rem),1fr));list-style:none;margin:0;padding:0}
.gal img{inline-size:100%;aspect-ratio:1;object-fit:cover;border-radius:var(--radius)}
.v-strip .gal{grid-auto-flow:column;grid-auto-columns:min(80%,18rem);grid-template-columns:none;overflow-x:auto;scroll-snap-type:inline mandatory}.v-strip li{scroll-snap-align:start}
.v-mosaic li:first-child{grid-column:span 2;grid-row:span 2}
.hours{inline-size:100%;border-collapse:collapse}.hours th,.hours td{text-align:start;padding-block:.7rem;border-block-end:1px solid var(--border)}.hours td{text-align:end}
.stars{color:#a15c00;letter-spacing:.1em}blockquote{margin:0}
details{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);padding:1rem 1.25rem;margin-block-end:.75rem}
summary{cursor:pointer;font-weight:700}details p{margin-block:.75rem 0}
.form{display:grid;gap:1rem;max-inline-size:36rem}
label{display:grid;gap:.35rem;font-weight:700}
input,textarea{font:inherit;font-weight:400;color:var(--text);background:var(--surface);border:1px solid var(--muted);border-radius:var(--radius);padding:.75rem 1rem;inline-size:100%}
textarea{min-block-size:8rem}.hp{display:none}
.note{padding:1rem 1.25rem;border-radius:var(--radius);border:1px solid var(--border);background:var(--surface);font-weight:700}
.v-highlight .body{border-inline-start:4px solid var(--primary);padding-inline-start:1.5rem;font-size:1.1rem}
.cta{background:var(--primary);color:var(--on-primary);border-radius:var(--radius);padding:clamp(2rem,6vw,3.5rem)}
.cta .btn{background:var(--on-primary);color:var(--primary);border-color:var(--on-primary)}.cta .btn.ghost{background:transparent;color:var(--on-primary)}
.chips{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;margin:0;padding:0}
.foot{background:var(--surface);border-block-start:1px solid var(--border);padding-block:3rem 6rem}
.foot ul{list-style:none;margin:0;padding:0;display:grid;gap:.4rem}.foot a{color:var(--text)}
.v-columns .cols{display:grid;gap:2rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,14rem),1fr))}
.fab{position:fixed;inset-inline-end:1rem;inset-block-end:1rem;z-index:15;background:#0b7a3e;color:#fff;border-color:#0b7a3e;border-radius:999px;box-shadow:0 6px 20px rgb(0 0 0/.2)}
.wa{background:#0b7a3e;border-color:#0b7a3e;color:#fff}
.nf{text-align:center;padding-block:6rem}`;

/** The stylesheet: fonts and layout (theme separate, see themeCss). */
export function baseCss(assetBase: string): string {
  return fontFaces(checkAssetBase(assetBase)) + BASE.replaceAll('\n', '');
}
