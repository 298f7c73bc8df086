// What the AI text and image path costs the Worker bundle, measured the way scripts/bundle-size.mjs
// measures the Worker: a tiny Worker entry bundled by esbuild (minified, ESM, workerd conditions),
// gzip level 9, minus the same entry without the AI code. Compares KWq8's own adapters
// (worker/providers/ai + eventsource-parser) with Vercel's AI SDK (`ai` streamText/streamObject and
// `@ai-sdk/openai`), and the two incremental JSON parsers considered for the generation stream.
// The AI SDK is never a project dependency: install it in a folder outside the repository and pass it:
//   mkdir /tmp/aisdk && cd /tmp/aisdk && npm init -y && npm i ai @ai-sdk/openai zod @streamparser/json partial-json
//   node scripts/ai-bundle-size.mjs /tmp/aisdk
import { build } from 'esbuild';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const external = process.argv[2] ? resolve(process.argv[2]) : undefined;
const work = mkdtempSync(join(tmpdir(), 'kwq8-ai-size-'));

async function size(name, source, nodePaths = []) {
  const entry = join(work, `${name}.mjs`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    nodePaths: [join(ROOT, 'node_modules'), ...nodePaths],
    write: false,
    logLevel: 'error',
  });
  const bytes = result.outputFiles[0].contents;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
const baseline = await size('baseline', `export default { async fetch() { return new Response('ok'); } };`);
async function measure(label, source, nodePaths) {
  const { raw, gzip } = await size(label.replace(/\W+/g, '-'), source, nodePaths);
  rows.push([label, kb(raw - baseline.raw), kb(gzip - baseline.gzip)]);
}

const ours = join(ROOT, 'worker/providers/ai/index.ts');
await measure(
  'KWq8 adapters (openai + anthropic + gemini-image + eventsource-parser)',
  `import { textProviderFromEnv, imageProviderFromEnv } from ${JSON.stringify(ours)};
export default { async fetch(request, env) {
  const schema = await request.json();
  if (new URL(request.url).pathname === '/image') {
    const image = await imageProviderFromEnv(env).generate({ prompt: 'p', aspectRatio: '1:1' });
    return new Response(image.bytes, { headers: { 'content-type': image.mimeType } });
  }
  let text = '';
  for await (const event of textProviderFromEnv(env).stream({ system: 's', messages: [{ role: 'user', content: 'u' }], schema: { name: 'site', schema }, maxOutputTokens: 100 }))
    if (event.type === 'text') text += event.text;
  return new Response(text);
} };`,
);
await measure(
  'KWq8 OpenAI adapter alone (+ eventsource-parser)',
  `import { openAiTextProvider } from ${JSON.stringify(join(ROOT, 'worker/providers/ai/openai.ts'))};
export default { async fetch(request, env) {
  let text = '';
  for await (const event of openAiTextProvider({ baseUrl: env.B, apiKey: env.K, model: env.M }).stream({ system: 's', messages: [], schema: { name: 'x', schema: {} }, maxOutputTokens: 1 }))
    if (event.type === 'text') text += event.text;
  return new Response(text);
} };`,
);
await measure(
  'eventsource-parser alone',
  `import { createParser } from 'eventsource-parser';
export default { async fetch(request) { let n = 0; const p = createParser({ onEvent: () => n++ }); p.feed(await request.text()); return new Response(String(n)); } };`,
);

if (external && existsSync(join(external, 'node_modules'))) {
  const modules = [join(external, 'node_modules')];
  const version = (name) => JSON.parse(readFileSync(join(external, 'node_modules', name, 'package.json'), 'utf8')).version;
  await measure(
    `AI SDK: ai ${version('ai')} streamText + streamObject, @ai-sdk/openai ${version('@ai-sdk/openai')}`,
    `import { streamText, streamObject, jsonSchema } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
export default { async fetch(request, env) {
  const openai = createOpenAI({ baseURL: env.B, apiKey: env.K });
  const schema = await request.json();
  if (new URL(request.url).pathname === '/text') {
    const result = streamText({ model: openai.chat(env.M), system: 's', prompt: 'u', maxOutputTokens: 100 });
    return result.toTextStreamResponse();
  }
  const result = streamObject({ model: openai.chat(env.M), schema: jsonSchema(schema), system: 's', prompt: 'u' });
  return result.toTextStreamResponse();
} };`,
    modules,
  );
  await measure(
    `@streamparser/json ${version('@streamparser/json')} (JSONParser with paths)`,
    `import { JSONParser } from '@streamparser/json';
export default { async fetch(request) { const out = []; const p = new JSONParser({ paths: ['$.sections.*'], keepStack: false }); p.onValue = ({ value }) => out.push(value); p.write(await request.text()); return Response.json(out); } };`,
    modules,
  );
  await measure(
    `partial-json ${version('partial-json')} (parse)`,
    `import { parse, Allow } from 'partial-json';
export default { async fetch(request) { return Response.json(parse(await request.text(), Allow.ALL)); } };`,
    modules,
  );
} else {
  console.log('(pass a folder with ai, @ai-sdk/openai, @streamparser/json and partial-json installed to compare them)');
}

const width = Math.max(...rows.map((row) => row[0].length));
console.log(`${'what'.padEnd(width)}  ${'min'.padStart(9)}  ${'min+gzip'.padStart(9)}`);
for (const [label, raw, gzip] of rows) console.log(`${label.padEnd(width)}  ${raw.padStart(9)}  ${gzip.padStart(9)}`);
