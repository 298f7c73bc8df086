/** What the Worker test projects' global setup provides to the tests running inside workerd. */
export interface StackInfo {
  /** How the stack signs user tokens (supabase/local/jwt.ts). */
  jwtAlg: 'HS256' | 'ES256';
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  controlUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
