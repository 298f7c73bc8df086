/**
 * `lazy(build)`: a getter that builds its value on the first call and returns the same one after.
 * Zod schemas are declared this way: building them at module scope ran zod's constructors for
 * every schema of every route while the Worker started (most of its start-up CPU, see
 * docs/ARCHITECTURE.md section 6); built on first use, each costs only the request that needs it.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
