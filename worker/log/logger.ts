/**
 * Structured JSON log lines tagged with the request id; every field passes through redact(), the
 * request id too (a client may choose it with X-Request-Id).
 */
import { redact, redactText } from './redact';

type Level = 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

export interface Logger {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export function createLogger(requestId: string, sink: (line: string) => void = console.log): Logger {
  const id = redactText(requestId);
  const write =
    (level: Level) =>
    (event: string, fields: Fields = {}) => {
      sink(JSON.stringify({ level, event, requestId: id, ...(redact(fields) as Fields) }));
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
