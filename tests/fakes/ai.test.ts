/**
 * The fake AI server (tests/fakes/ai.ts) in Node: its answers validate against the strict schema
 * the request sent (a property test over descriptions and seeds, with hand-written schemas of
 * nested anyOf, arrays, enums and patterns), the copy follows the described business, and the
 * three wire formats, key checks, request checks and request log behave as documented.
 */
import fc from 'fast-check';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECTION_TYPES } from '../../shared/site/catalogue';
import { parseSiteDocument } from '../../shared/site/document';
import { sectionJsonSchema, siteDocumentJsonSchema, sitePageJsonSchema } from '../../shared/site/json-schema';
import { SCHEMAS } from '../support/ai-schemas';
import { schemaErrors } from '../support/json-schema';
import { startFakeAi, type FakeAi } from './ai';
import { answerFor, describeBusiness, strictSchemaProblems } from './ai-content';

const ARABIC = /[\u0600-\u06FF]/;

const BUSINESS_WORDS = [
  'salon',
  'صالون',
  'clinic',
  'عيادة أسنان',
  'restaurant',
  'مطبخ',
  'مطعم',
  'coach',
  'مدربة',
  'shop',
  'محل عطور',
  'متجر',
  'studio',
  'شركة',
];
const description = fc
  .tuple(
    fc.constantFrom(...BUSINESS_WORDS),
    fc.option(fc.constantFrom('«لمسة حرير»', '"Blue Door"', '“Nakheel”', 'called Sea Breeze', 'اسمه الريم'), { nil: undefined }),
    fc.constantFrom('في السالمية', 'in Jabriya', 'بالكويت', 'in Dubai', ''),
    fc.string({ maxLength: 40 }),
  )
  .map((parts) => parts.filter(Boolean).join(' '));

describe('answerFor', () => {
  it('takes every hand-written schema as strict (what OpenAI would accept)', () => {
    for (const schema of Object.values(SCHEMAS)) expect(strictSchemaProblems(schema)).toEqual([]);
    expect(strictSchemaProblems({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([
      '$: additionalProperties must be false',
      '$.a: every property must be required',
    ]);
  });

  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`answers valid JSON for the ${name} schema, whatever the description and seed`, () => {
      fc.assert(
        fc.property(description, fc.nat(10_000), (text, seed) => {
          const answer = answerFor(schema, text, seed);
          expect(schemaErrors(schema, answer)).toEqual([]);
          // It survives the wire: JSON text and back.
          expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("answers the product's own site document schema with documents parseSiteDocument accepts", () => {
    expect(strictSchemaProblems(siteDocumentJsonSchema)).toEqual([]);
    fc.assert(
      fc.property(description, fc.nat(10_000), (text, seed) => {
        const document = answerFor(siteDocumentJsonSchema, text, seed);
        expect(schemaErrors(siteDocumentJsonSchema, document)).toEqual([]);
        const parsed = parseSiteDocument(document);
        expect(parsed.ok ? [] : parsed.issues).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("answers the product's page schema and every section type's schema", () => {
    for (const seed of [0, 1, 2]) {
      expect(schemaErrors(sitePageJsonSchema, answerFor(sitePageJsonSchema, 'مطعم «الديرة» في حولي', seed))).toEqual([]);
      for (const type of SECTION_TYPES) {
        const schema = sectionJsonSchema(type);
        expect(schemaErrors(schema, answerFor(schema, 'A beauty salon in Salmiya', seed)), type).toEqual([]);
      }
    }
  });

  it('gives unique ids, Arabic in ar and English in en, a hero first and a footer last', () => {
    const site = answerFor(SCHEMAS.site, 'A barber salon called Sharp Line in Hawalli', 3) as {
      pages: Array<{ id: string; sections: Array<{ id: string; type: string; props: Record<string, unknown> }> }>;
    };
    const ids = site.pages.flatMap((page) => [page.id, ...page.sections.map((s) => s.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    const paths = site.pages.map((page) => (page as unknown as { path: string }).path);
    expect(paths[0]).toBe('/');
    expect(new Set(paths).size).toBe(paths.length);
    const sections = site.pages[0]!.sections;
    expect(sections[0]!.type).toBe('hero');
    expect(sections.at(-1)!.type).toBe('footer');
    expect(new Set(sections.map((s) => s.type)).size).toBe(sections.length);
    const hero = sections[0]!.props as { title: { ar: string; en: string } };
    expect(hero.title.en).toContain('Sharp Line');
    expect(hero.title.en).toContain('Hawalli');
    expect(hero.title.ar).toMatch(ARABIC);
    const texts: Array<{ ar: string; en: string }> = [];
    JSON.stringify(site, (key, value: unknown) => {
      if (value && typeof value === 'object' && 'ar' in value && 'en' in value) texts.push(value as { ar: string; en: string });
      return value;
    });
    expect(texts.length).toBeGreaterThan(10);
    for (const pair of texts) {
      expect(pair.ar).toMatch(ARABIC);
      expect(pair.en).not.toMatch(ARABIC);
    }
  });

  it('varies the copy with the business and uses the words of the description', () => {
    const kinds = ['صالون نسائي', 'عيادة أسنان', 'مطعم كويتي', 'مدرب لياقة', 'محل عطور', 'مكتب محاماة'].map(
      (text) => describeBusiness(text).kind,
    );
    expect(kinds).toEqual(['salon', 'clinic', 'restaurant', 'coach', 'shop', 'generic']);
    const salon = JSON.stringify(answerFor(SCHEMAS.section, 'صالون «لمسة حرير» في الجابرية', 1));
    const clinic = JSON.stringify(answerFor(SCHEMAS.section, 'Dental clinic "Bright Smile" in Salmiya', 1));
    expect(salon).not.toBe(clinic);
    expect(describeBusiness('صالون «لمسة حرير» في الجابرية')).toMatchObject({ name: { ar: 'لمسة حرير' }, area: { en: 'Jabriya' } });
    expect(describeBusiness('a coffee shop named Dark Roast')).toMatchObject({ name: { en: 'Dark Roast' } });
    expect(JSON.stringify(answerFor(SCHEMAS.site, 'Dental clinic "Bright Smile" in Salmiya', 0))).toContain('Bright Smile');
  });

  it('keeps strings within a tight maxLength and fills nullable fields', () => {
    const tight = {
      type: 'object',
      additionalProperties: false,
      required: ['title', 'subtitle', 'maybe'],
      properties: {
        title: { type: 'string', maxLength: 5 },
        subtitle: { type: 'string', minLength: 30, maxLength: 31 },
        maybe: { anyOf: [{ type: 'null' }, { type: 'string', enum: ['x', 'y'] }] },
      },
    };
    const answer = answerFor(tight, 'مطعم', 0) as Record<string, unknown>;
    expect(schemaErrors(tight, answer)).toEqual([]);
    expect(answer.maybe).not.toBeNull();
  });
});

function sseData(body: string): string[] {
  return body
    .split('\n\n')
    .filter(Boolean)
    .map((block) =>
      block
        .split('\n')
        .find((line) => line.startsWith('data: '))!
        .slice(6),
    );
}

describe('the server', () => {
  let fake: FakeAi;
  beforeAll(async () => {
    fake = await startFakeAi();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.pace(50);
  });

  const openAiBody = (schema: object) => ({
    model: 'fake-node',
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 4000,
    messages: [
      { role: 'system', content: 'You write websites.' },
      { role: 'user', content: 'عيادة أسنان «ابتسامة» في حولي' },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'site', strict: true, schema } },
  });
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('streams OpenAI chunks whose content is a valid answer, then finish, usage and [DONE]', async () => {
    const response = await post('/v1/chat/completions', openAiBody(SCHEMAS.site), { Authorization: `Bearer ${fake.apiKey}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as Record<string, any>);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'fake-node', id: chunks[0]!.id });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBeGreaterThanOrEqual(8);
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(schemaErrors(SCHEMAS.site, JSON.parse(content))).toEqual([]);
    expect(content).toContain('ابتسامة');
  });

  it('streams Anthropic events with the tool input as input_json_delta', async () => {
    const response = await post(
      '/v1/messages',
      {
        model: 'claude-fake',
        max_tokens: 4000,
        stream: true,
        system: 'x',
        messages: [{ role: 'user', content: 'A yoga coach in Doha' }],
        tools: [{ name: 'section', input_schema: SCHEMAS.section }],
        tool_choice: { type: 'tool', name: 'section' },
      },
      { 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01' },
    );
    const text = await response.text();
    const names = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const json = sseData(text)
      .map((line) => JSON.parse(line) as Record<string, any>)
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta.partial_json as string)
      .join('');
    expect(schemaErrors(SCHEMAS.section, JSON.parse(json))).toEqual([]);
  });

  it('answers Gemini with a real PNG of the requested aspect ratio', async () => {
    const response = await post(
      '/v1beta/models/gemini-fake:generateContent',
      {
        contents: [{ parts: [{ text: 'a salon' }] }],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9' } },
      },
      { 'x-goog-api-key': fake.apiKey },
    );
    const body = (await response.json()) as any;
    const inline = body.candidates[0].content.parts.find((part: any) => part.inlineData).inlineData;
    expect(inline.mimeType).toBe('image/png');
    const png = Buffer.from(inline.data, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width / height).toBeCloseTo(16 / 9, 1);
    // The pixel data inflates to exactly one filter byte plus 3 bytes per pixel per row.
    const idat = png.indexOf('IDAT');
    const length = png.readUInt32BE(idat - 4);
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + length)).length).toBe((width * 3 + 1) * height);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number) });
  });

  it('refuses a wrong key (401; Gemini 400 API_KEY_INVALID), a missing response_format, a non-strict schema', async () => {
    expect((await post('/v1/chat/completions', openAiBody(SCHEMAS.site), { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/v1/messages', {}, { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' })).status).toBe(401);
    const gemini = await post('/v1beta/models/m:generateContent', {}, { 'x-goog-api-key': 'nope' });
    expect(gemini.status).toBe(400);
    expect(JSON.stringify(await gemini.json())).toContain('API_KEY_INVALID');
    const auth = { Authorization: `Bearer ${fake.apiKey}` };
    const { response_format: _format, ...noFormat } = openAiBody(SCHEMAS.site);
    expect((await post('/v1/chat/completions', noFormat, auth)).status).toBe(400);
    const { model: _model, ...noModel } = openAiBody(SCHEMAS.site);
    expect((await post('/v1/chat/completions', noModel, auth)).status).toBe(400);
    const loose = await post('/v1/chat/completions', openAiBody({ type: 'object', properties: { a: { type: 'string' } } }), auth);
    expect(loose.status).toBe(400);
    expect(((await loose.json()) as any).error.code).toBe('invalid_json_schema');
  });

  it('records requests without keys, and applies a switch to its count, or always until reset', async () => {
    const auth = { Authorization: `Bearer ${fake.apiKey}` };
    fake.fail('error_500', { count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/v1/chat/completions', openAiBody(SCHEMAS.section), auth)).status);
    expect(statuses).toEqual([500, 500, 200]);
    fake.fail('rate_limit', { count: 'always', retryAfter: 9 });
    for (let i = 0; i < 3; i++) {
      const limited = await post('/v1/chat/completions', openAiBody(SCHEMAS.section), auth);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('9');
    }
    const logged = fake.requests('/v1/chat');
    expect(logged.map((entry) => entry.status)).toEqual([500, 500, 200, 429, 429, 429]);
    expect(JSON.stringify(logged)).not.toContain(fake.apiKey);
    expect(logged[0]!.body).toMatchObject({ messages: [{ role: 'system' }, { role: 'user', content: 'عيادة أسنان «ابتسامة» في حولي' }] });
    fake.reset();
    expect((await post('/v1/chat/completions', openAiBody(SCHEMAS.section), auth)).status).toBe(200);
    // A switch for another model is not taken.
    fake.fail('error_500', { model: 'someone-else' });
    expect((await post('/v1/chat/completions', openAiBody(SCHEMAS.section), auth)).status).toBe(200);
  });
});
