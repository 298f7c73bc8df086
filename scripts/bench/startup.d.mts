// Types of ./startup.mjs (plain JavaScript, for the harness's TypeScript modules).
export interface StartupFigures {
  runs: number;
  cpuMs: number;
  cpuMsRange: [number, number];
  extraWallMs: number;
}

export function measureStartups<Name extends string>(
  bundles: Record<Name, string>,
  compatibilityDate: string,
  runs: number,
): Promise<Record<Name, StartupFigures>>;
