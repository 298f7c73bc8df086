/**
 * Log audit for the whole suite: a vitest reporter (registered in vitest.config.ts) that reads
 * every console line any test project writes, the Worker's JSON logs from workerd included, and
 * fails the run when one carries an e-mail address, a JWT, a bearer credential, an API key, the
 * local JWT secret, a phone number (Kuwaiti 8-digit and international forms) or CLIENT_CANARY,
 * the marker tests put in client-sent values (bodies, cursors, headers) that must never reach a
 * log. `leaksIn` holds the rules, so tests of the redactor can check against the same ones.
 *
 * It sees what passes through vitest's console interception; a run with `--reporter=...` on the
 * command line replaces the configured reporters and so runs without the audit.
 */
import type { UserConsoleLog } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';
import { LOCAL_JWT_SECRET } from '../../supabase/local/keys';
import { CLIENT_CANARY } from './canary';

export { CLIENT_CANARY };

/** Put this in any value a test sends as a client; the run fails if it shows up in a log line. */

const RULES: ReadonlyArray<readonly [string, RegExp]> = [
  ['e-mail address', /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['JWT', /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/],
  ['bearer credential', /\b(?:Bearer|Basic)\s+(?!\[)[A-Za-z0-9._~+/=-]{8,}/i],
  ['API key', /\b(?:sk|rk|pk|whsec)_(?:(?:live|test)_)?[A-Za-z0-9]{8,}/],
  ['local JWT secret', new RegExp(LOCAL_JWT_SECRET)],
  ['phone number (international)', /\+\d(?:[\s-]?\d){7,14}(?![\d])/],
  ['phone number (Kuwait)', /(?<![\w.-])(?:00965[\s-]?)?(?:\d{8}|\d{4}[\s-]\d{4})(?![\w.-])/],
  ['client value', new RegExp(CLIENT_CANARY, 'i')],
];

/** The names of the rules `line` breaks (empty when it is clean). */
export function leaksIn(line: string): string[] {
  return RULES.filter(([, pattern]) => pattern.test(line)).map(([name]) => name);
}

const MAX_SHOWN = 20;

export default class LogAuditReporter implements Reporter {
  private vitest?: Vitest;
  private lines = 0;
  private readonly findings: string[] = [];

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  /** "file > test" for the task that wrote the line. */
  private where(log: UserConsoleLog): string {
    const task = log.taskId ? this.vitest?.state.idMap.get(log.taskId) : undefined;
    if (!task) return 'outside any test';
    return task.file === task ? task.name : `${task.file.name} > ${task.name}`;
  }

  onTestRunStart(): void {
    this.lines = 0;
    this.findings.length = 0;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const line of log.content.split('\n')) {
      if (!line.trim()) continue;
      this.lines += 1;
      const broken = leaksIn(line);
      if (broken.length) this.findings.push(`${broken.join(', ')}, from ${this.where(log)}:\n      ${line.slice(0, 300)}`);
    }
  }

  onTestRunEnd(): void {
    if (!this.findings.length) {
      process.stdout.write(`\nLog audit: ${this.lines} log line(s), none with personal data, secrets or client values.\n`);
      return;
    }
    const shown = this.findings.slice(0, MAX_SHOWN).map((finding) => `  - ${finding}`);
    const more = this.findings.length > MAX_SHOWN ? [`  … and ${this.findings.length - MAX_SHOWN} more`] : [];
    process.stderr.write(
      `\nLog audit FAILED: ${this.findings.length} of ${this.lines} log line(s) carry data that must never be logged:\n${[...shown, ...more].join('\n')}\n`,
    );
    process.exitCode = 1;
  }
}
