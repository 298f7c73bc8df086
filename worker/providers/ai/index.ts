/**
 * The AI providers chosen from configuration (docs/GENERATION.md, "Providers"): AI_TEXT_PROVIDER
 * (`openai`, the default, or `anthropic`) with AI_TEXT_BASE_URL, AI_TEXT_API_KEY, AI_TEXT_MODEL;
 * the Gemini image provider with AI_IMAGE_BASE_URL, AI_IMAGE_API_KEY, AI_IMAGE_MODEL. Both take a
 * plain object of those variables (the feature code passes what it read from env) and throw
 * AiConfigError, naming the variables but never their values, when the provider cannot work.
 *
 * @example
 * const text = textProviderFromEnv(env);
 * for await (const event of text.stream({ system, messages, schema, maxOutputTokens: 4000 })) …
 */
import { anthropicTextProvider, ANTHROPIC_DEFAULT_BASE_URL } from './anthropic';
import { geminiImageProvider, GEMINI_DEFAULT_BASE_URL } from './gemini-image';
import { openAiTextProvider, OPENAI_DEFAULT_BASE_URL } from './openai';
import type { AiCallOptions, ImageProvider, TextProvider } from './types';

export * from './types';

export interface AiTextVars {
  AI_TEXT_PROVIDER?: string;
  AI_TEXT_BASE_URL?: string;
  AI_TEXT_API_KEY?: string;
  AI_TEXT_MODEL?: string;
}

export interface AiImageVars {
  AI_IMAGE_BASE_URL?: string;
  AI_IMAGE_API_KEY?: string;
  AI_IMAGE_MODEL?: string;
}

export class AiConfigError extends Error {
  override readonly name = 'AiConfigError';
  constructor(readonly problems: string[]) {
    super(`AI configuration: ${problems.join('; ')}`);
  }
}

const value = (text: string | undefined) => (text ?? '').trim();

function baseUrl(name: string, text: string, fallback: string, problems: string[]): string {
  const url = text || fallback;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  problems.push(`${name} is not an http(s) URL`);
  return url;
}

/** The text provider AI_TEXT_PROVIDER names. An empty AI_TEXT_API_KEY is allowed for openai only (Ollama, llama.cpp). */
export function textProviderFromEnv(vars: AiTextVars, options: AiCallOptions = {}): TextProvider {
  const problems: string[] = [];
  const kind = value(vars.AI_TEXT_PROVIDER) || 'openai';
  if (kind !== 'openai' && kind !== 'anthropic') problems.push('AI_TEXT_PROVIDER is neither openai nor anthropic');
  const model = value(vars.AI_TEXT_MODEL);
  if (!model) problems.push('AI_TEXT_MODEL is missing');
  const apiKey = value(vars.AI_TEXT_API_KEY);
  if (kind === 'anthropic' && !apiKey) problems.push('AI_TEXT_API_KEY is missing');
  const url = baseUrl(
    'AI_TEXT_BASE_URL',
    value(vars.AI_TEXT_BASE_URL),
    kind === 'anthropic' ? ANTHROPIC_DEFAULT_BASE_URL : OPENAI_DEFAULT_BASE_URL,
    problems,
  );
  if (problems.length) throw new AiConfigError(problems);
  const config = { ...options, baseUrl: url, apiKey, model };
  return kind === 'anthropic' ? anthropicTextProvider(config) : openAiTextProvider(config);
}

/** The Gemini image provider. */
export function imageProviderFromEnv(vars: AiImageVars, options: AiCallOptions = {}): ImageProvider {
  const problems: string[] = [];
  const model = value(vars.AI_IMAGE_MODEL);
  if (!model) problems.push('AI_IMAGE_MODEL is missing');
  const apiKey = value(vars.AI_IMAGE_API_KEY);
  if (!apiKey) problems.push('AI_IMAGE_API_KEY is missing');
  const url = baseUrl('AI_IMAGE_BASE_URL', value(vars.AI_IMAGE_BASE_URL), GEMINI_DEFAULT_BASE_URL, problems);
  if (problems.length) throw new AiConfigError(problems);
  return geminiImageProvider({ ...options, baseUrl: url, apiKey, model });
}
