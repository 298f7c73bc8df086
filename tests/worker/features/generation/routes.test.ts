/**
 * AI generations through the Worker against the fake AI server (tests/fakes/ai.ts): a first site
 * streamed section by section and stored as an AI version, charged once; every provider failure
 * (429, 500, a stream cut midway, invalid JSON twice, a length stop, a safety stop, a refusal)
 * refunds to the exact credit and leaves the draft as it was; one repair of an invalid answer; a
 * repeated key that never charges or calls the model twice; edits that leave every other section
 * as it was; chat answers; cancelling; images with the plan gate and their refunds.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../../../../worker/app';
import { call, errorCode, subscribe } from '../../../support/api';
import { ownerWithProject, readSite, startFromTemplate } from '../sites/helpers';
import { balance, callWithModel, failNext, generate, modelName, parseEvents, requestsFor } from './helpers';

const SALON = 'صالون نسائي في السالمية اسمه لمسة حرير، نقدم قص الشعر والصبغة والمكياج';

describe('AI generations', () => {
  it('streams a first site section by section, stores it as an AI version and charges 3 credits once', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Lamsat Harir', 10);
    const before = await balance(owner);
    const { response, events } = await generate(model, owner, projectId, { action: 'page_generation', prompt: SALON });
    expect(response.status).toBe(200);
    expect(events[0]).toMatchObject({ event: 'progress', data: { stage: 'charged', cost: 3 } });
    // Sections streamed before a repair turn are replaced by the repaired answer's.
    const repaired = events.findLastIndex((e) => e.event === 'progress' && e.data.stage === 'repairing');
    const sections = events.slice(repaired + 1).filter((e) => e.event === 'section');
    expect(sections.length).toBeGreaterThan(0);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.cost).toBe(3);

    const site = await readSite(owner, projectId);
    expect(site.draft?.id).toBe(done.data.versionId);
    // Each streamed section is the one stored at the index its path names.
    const stored = site.draft!.document.pages[0]!.sections;
    expect(sections.length).toBe(stored.length);
    for (const { data } of sections) expect(stored[data.path.at(-1)]).toEqual(data.section);
    expect(await balance(owner)).toBe(before - 3);
    const versions = (await (await call('GET', `/api/projects/${projectId}/site/versions`, { token: owner.token })).json()) as {
      versions: { madeBy: string; action: string }[];
    };
    expect(versions.versions[0]).toMatchObject({ madeBy: 'ai', action: 'page_generation' });
    expect(await requestsFor(model)).toBe(repaired >= 0 ? 2 : 1);
  });

  it.each([
    ['rate_limit', 1],
    ['error_500', 1],
    ['cut', 1],
    ['invalid_json', 2],
    ['length', 2],
    ['safety', 1],
    ['refusal', 1],
  ] as const)('refunds every credit on %s and leaves the draft as it was', async (mode, count) => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject(`Refund ${mode}`, 10);
    const site = await startFromTemplate(owner, projectId, 'salon');
    const before = await balance(owner);
    await failNext(model, mode, count);
    const hero = site.draft!.document.pages[0]!.sections[0]!;
    const { events } = await generate(model, owner, projectId, { action: 'simple_edit', prompt: 'اجعل العنوان أقصر', sectionId: hero.id });
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ code: 'GEN_001', refunded: true });
    expect(await balance(owner)).toBe(before);
    expect((await readSite(owner, projectId)).draft!.id).toBe(site.draft!.id);
  });

  it('repairs one invalid answer and charges once', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Repair once', 10);
    const site = await startFromTemplate(owner, projectId, 'clinic');
    const before = await balance(owner);
    await failNext(model, 'invalid_json', 1);
    const { events } = await generate(model, owner, projectId, {
      action: 'component_generation',
      prompt: 'أضف قسم الأسئلة الشائعة',
      pageId: site.draft!.document.pages[0]!.id,
    });
    expect(events.at(-1)!.event).toBe('done');
    expect(await requestsFor(model)).toBe(2);
    expect(await balance(owner)).toBe(before - 2);
    const sections = (await readSite(owner, projectId)).draft!.document.pages[0]!.sections;
    expect(sections.length).toBe(site.draft!.document.pages[0]!.sections.length + 1);
  });

  it('replays a repeated key without charging or calling the model again', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Replay', 10);
    const site = await startFromTemplate(owner, projectId, 'shop');
    const key = `gen-${crypto.randomUUID()}`;
    const body = { action: 'template_customization', prompt: 'ألوان هادئة وزوايا دائرية' };
    const first = await generate(model, owner, projectId, body, key);
    expect(first.events.at(-1)!.event).toBe('done');
    const after = await balance(owner);
    const again = await generate(model, owner, projectId, body, key);
    expect(again.response.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.events.at(-1)).toMatchObject({ event: 'done', data: { versionId: first.events.at(-1)!.data.versionId } });
    expect(await balance(owner)).toBe(after);
    expect(await requestsFor(model)).toBe(1);
    expect((await readSite(owner, projectId)).draft!.number).toBe(site.draft!.number + 1);
  });

  it('edits one section and leaves every other section byte for byte as it was', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('One edit', 10);
    const site = await startFromTemplate(owner, projectId, 'restaurant');
    const page = site.draft!.document.pages[0]!;
    const target = page.sections[1]!;
    const { events } = await generate(model, owner, projectId, { action: 'simple_edit', prompt: 'add prices', sectionId: target.id });
    expect(events.at(-1)!.event).toBe('done');
    const now = (await readSite(owner, projectId)).draft!.document;
    expect(now.pages[0]!.sections.filter((s) => s.id !== target.id)).toEqual(page.sections.filter((s) => s.id !== target.id));
    expect(now.pages.slice(1)).toEqual(site.draft!.document.pages.slice(1));
  });

  it('answers a chat message and charges 1 credit', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Chat', 10);
    await startFromTemplate(owner, projectId, 'coach');
    const before = await balance(owner);
    const { events } = await generate(model, owner, projectId, { action: 'chat_message', prompt: 'كيف أجعل موقعي أوضح؟' });
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(typeof done.data.answer).toBe('string');
    expect(await balance(owner)).toBe(before - 1);
  });

  it('refuses an edit of a section that does not exist before charging anything', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('No section', 10);
    await startFromTemplate(owner, projectId, 'salon');
    const before = await balance(owner);
    const { response } = await generate(model, owner, projectId, { action: 'simple_edit', prompt: 'x', sectionId: 'no-such-section' });
    expect(response.status).toBe(422);
    expect(await balance(owner)).toBe(before);
    expect(await requestsFor(model)).toBe(0);
  });

  it('refunds at once when the owner cancels a slow generation, and never twice', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Cancel', 10);
    const before = await balance(owner);
    await fetch(`${inject('fakes').ai.url}/__control/fail`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'slow_first_byte', ms: 8000, model }),
    });
    const ctx = createExecutionContext();
    const response = await createApp().request(
      `http://kwq8.test/api/projects/${projectId}/site/generations`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${owner.token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': `gen-${crypto.randomUUID()}`,
        },
        body: JSON.stringify({ action: 'page_generation', prompt: SALON }),
      },
      { ...env, AI_TEXT_MODEL: model },
      ctx,
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
    const generationId = parseEvents(text)[0]!.data.generationId as string;
    expect(await balance(owner)).toBe(before - 3);

    const cancelled = await callWithModel(model, owner, 'POST', `/api/projects/${projectId}/site/generations/${generationId}/cancel`);
    expect(await cancelled.json()).toMatchObject({ refunded: true });
    expect(await balance(owner)).toBe(before);
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += chunk.value;
    }
    await waitOnExecutionContext(ctx);
    expect(parseEvents(text).at(-1)).toMatchObject({ event: 'error', data: { code: 'GEN_001', refunded: true } });
    expect(await balance(owner)).toBe(before);
    const status = await callWithModel(model, owner, 'GET', `/api/projects/${projectId}/site/generations/${generationId}`);
    expect(((await status.json()) as { generation: { status: string } }).generation.status).toBe('refunded');
  });

  it('finishes the work and stores the version when the owner closes the tab mid-stream', async () => {
    const model = modelName();
    const { owner, projectId } = await ownerWithProject('Closed tab', 10);
    const ctx = createExecutionContext();
    const response = await createApp().request(
      `http://kwq8.test/api/projects/${projectId}/site/generations`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${owner.token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': `gen-${crypto.randomUUID()}`,
        },
        body: JSON.stringify({ action: 'page_generation', prompt: SALON }),
      },
      { ...env, AI_TEXT_MODEL: model },
      ctx,
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = (await reader.read()).value ?? '';
    const generationId = parseEvents(first)[0]!.data.generationId as string;
    // The owner goes away: nobody reads the rest of the stream.
    await reader.cancel();
    await waitOnExecutionContext(ctx);
    const status = await callWithModel(model, owner, 'GET', `/api/projects/${projectId}/site/generations/${generationId}`);
    const { generation } = (await status.json()) as { generation: { status: string; versionId: string } };
    expect(generation.status).toBe('succeeded');
    expect((await readSite(owner, projectId)).draft!.id).toBe(generation.versionId);
  });

  it('generates an image for Premium (2.5 credits), refuses Pro before charging, and refunds when no image comes back', async () => {
    const model = modelName();
    const pro = await ownerWithProject('Images Pro', 10);
    await subscribe(pro.owner, 'pro', 38_000);
    const proBefore = await balance(pro.owner);
    const refused = await callWithModel(
      model,
      pro.owner,
      'POST',
      `/api/projects/${pro.projectId}/site/images`,
      { prompt: 'صالون أنيق', aspectRatio: '1:1' },
      { 'Idempotency-Key': `img-${crypto.randomUUID()}` },
    );
    expect(await errorCode(refused)).toBe('GEN_002');
    expect(await balance(pro.owner)).toBe(proBefore);

    const premium = await ownerWithProject('Images Premium', 10);
    await subscribe(premium.owner, 'premium', 59_000);
    const before = await balance(premium.owner);
    const made = await callWithModel(
      model,
      premium.owner,
      'POST',
      `/api/projects/${premium.projectId}/site/images`,
      { prompt: 'صالون أنيق', aspectRatio: '4:3' },
      { 'Idempotency-Key': `img-${crypto.randomUUID()}` },
    );
    expect(made.status).toBe(201);
    const body = (await made.json()) as { image: { path: string; width: number; height: number; url: string }; cost: number };
    expect(body.cost).toBe(2.5);
    expect(body.image.width).toBeGreaterThan(body.image.height);
    expect((await fetch(body.image.url)).status).toBe(200);
    expect(await balance(premium.owner)).toBe(before - 2.5);

    await failNext(model, 'no_image');
    const empty = await callWithModel(
      model,
      premium.owner,
      'POST',
      `/api/projects/${premium.projectId}/site/images`,
      { prompt: 'x', aspectRatio: '1:1' },
      { 'Idempotency-Key': `img-${crypto.randomUUID()}` },
    );
    expect(await errorCode(empty)).toBe('GEN_001');
    expect(await balance(premium.owner)).toBe(before - 2.5);
  });
});
