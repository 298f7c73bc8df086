/**
 * Scrubs secrets, personal data and client input from anything about to be logged. Keys that name
 * a secret, a contact detail or client input (cursor, body, a database error's `details`) lose
 * their value entirely; free text loses e-mail addresses (also URL-encoded), phone numbers, bearer
 * tokens, API keys and JWTs; error messages lose what they quote, since JSON.parse and Postgres
 * quote the input that failed. The logger runs every field through this, so no call site can
 * forget. tests/support/log-audit-reporter.ts checks every line the test suite logs.
 */

const SENSITIVE_KEY =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|apikey|signature|email|phone|mobile|cursor|^key$|^body$|^details$/i;
/** Fields holding an error's text, whose quotes may hold the input that caused it. */
const MESSAGE_KEY = /^(message|hint)$/i;

const TEXT_RULES: Array<[RegExp, string]> = [
  [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [token]'],
  [/\b(sk|pk|rk|whsec)_(live|test)?_?[A-Za-z0-9]{8,}/g, '[secret]'],
  [/[^\s@"'<>(),;:]+(?:@|%40)[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g, '[email]'],
  // International numbers (+965 5555 1234), Kuwaiti ones in two groups of four with or without
  // 00965 (5555 1234, 00965 5555-1234), and bare runs of 8 to 15 digits (55551234, 96555551234).
  [/\+\d(?:[\s-]?\d){6,15}/g, '[phone]'],
  [/(?<![\w.-])(?:00965[\s-]?)?\d{4}[\s-]\d{4}(?![\w.-])/g, '[phone]'],
  [/(?<![\w.-])\d{8,15}(?![\w.-])/g, '[phone]'],
];

/** `Unexpected token 'x', "abc" is not valid JSON` → `Unexpected token '…', "…" is not valid JSON`. */
function withoutQuotes(text: string): string {
  return text.replace(/"[^"]*"/g, '"…"').replace(/(?<!\w)'[^']*'(?!\w)/g, "'…'");
}

const MAX_DEPTH = 6;

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[deep]';
  if (value instanceof Error) {
    return { name: value.name, message: redactText(withoutQuotes(value.message)), cause: redact(value.cause, depth + 1) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (SENSITIVE_KEY.test(key)) out[key] = '[redacted]';
    else out[key] = MESSAGE_KEY.test(key) && typeof inner === 'string' ? redactText(withoutQuotes(inner)) : redact(inner, depth + 1);
  }
  return out;
}
