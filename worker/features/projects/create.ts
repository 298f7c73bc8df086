/**
 * Creating a project: the slug comes from the name (shared/slug.ts) unless one is given. A derived
 * slug that is taken gets a short random suffix (a few attempts); a chosen one answers PROJ_001.
 */
import { SLUG_MAX_LENGTH, slugify } from '../../../shared/slug';
import type { AuthUser } from '../../auth/middleware';
import type { Bindings } from '../../env';
import { AppError } from '../../errors/app-error';
import { insertProject } from './db';

const SLUG_ATTEMPTS = 3;

function withSuffix(base: string): string {
  const suffix = crypto.randomUUID().slice(0, 4);
  return `${base.slice(0, SLUG_MAX_LENGTH - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

export async function createProject(env: Bindings, user: AuthUser, input: { name: string; slug?: string }) {
  const base = input.slug ?? (slugify(input.name) || 'site');
  for (let attempt = 0; ; attempt++) {
    const slug = input.slug || attempt === 0 ? base : withSuffix(base);
    try {
      return await insertProject(env, user, input.name, slug);
    } catch (error) {
      const retry = error instanceof AppError && error.code === 'PROJ_001' && !input.slug && attempt + 1 < SLUG_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}
