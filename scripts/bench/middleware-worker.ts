/**
 * Worker entry for running the middleware-overhead benchmark inside workerd (via Miniflare):
 * GET /?variant=<Variant>&n=<count> runs one batch. Timers are frozen inside a Worker while it
 * computes, so the caller times each batch from outside.
 */
import { createMiddlewareBench, VARIANTS, type MiddlewareBench, type Variant } from './middleware';

let bench: Promise<MiddlewareBench> | undefined;

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const variant = params.get('variant') as Variant;
    if (!VARIANTS.includes(variant)) return new Response(`unknown variant ${variant}`, { status: 400 });
    bench ??= createMiddlewareBench();
    try {
      await (await bench).run(variant, Number(params.get('n')));
      return new Response('ok');
    } catch (error) {
      return new Response(String(error), { status: 500 });
    }
  },
} satisfies ExportedHandler;
