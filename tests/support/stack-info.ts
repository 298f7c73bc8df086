/** What the Worker test projects' global setup provides to the tests running inside workerd: the local stack and the fake providers. */
export interface StackInfo {
  /** How the stack signs user tokens (supabase/local/jwt.ts). */
  jwtAlg: 'HS256' | 'ES256';
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  controlUrl: string;
}

/** The fake providers (tests/fakes): `url` also serves their `/__control/*` endpoints. */
export interface FakesInfo {
  upayments: { url: string; apiBase: string; apiKey: string };
  stripe: { url: string; apiBase: string; secretKey: string; webhookSecret: string };
  /** The fake AI provider (tests/fakes/ai.ts): OpenAI and Anthropic under textBaseUrl, Gemini images under imageBaseUrl. */
  ai: { url: string; textBaseUrl: string; imageBaseUrl: string; apiKey: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    fakes: FakesInfo;
    makeFake: { url: string; secret: string };
    googleFake: { url: string; tokenUrl: string; apiBase: string; serviceAccountJson: string };
    namecheapFake: { url: string; apiUrl: string; relayUrl: string; apiUser: string; apiKey: string; username: string; clientIp: string };
    dohFake: { url: string; dohUrl: string };
  }
}
