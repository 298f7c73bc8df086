/**
 * Scrubs secrets and personal data from anything about to be logged. Keys that name a secret or
 * contact detail lose their value entirely; free text loses e-mail addresses, phone numbers,
 * bearer tokens and JWTs. The logger runs every field through this, so no call site can forget.
 */

const SENSITIVE_KEY = /authorization|cookie|token|secret|password|passwd|api[-_]?key|apikey|signature|email|phone|mobile|^key$/i;

const TEXT_RULES: Array<[RegExp, string]> = [
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [token]'],
  [/\b(sk|pk|rk|whsec)_(live|test)?_?[A-Za-z0-9]{8,}/g, '[secret]'],
  [/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g, '[email]'],
  // International numbers (+965 5555 1234) and bare runs of 8 to 15 digits (55551234, 96555551234).
  [/\+\d[\d -]{6,16}\d/g, '[phone]'],
  [/(?<![\w.-])\d{8,15}(?![\w.-])/g, '[phone]'],
];

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
    return { name: value.name, message: redactText(value.message), cause: redact(value.cause, depth + 1) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}
