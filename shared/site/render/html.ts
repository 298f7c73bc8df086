/**
 * The only way text reaches a page: `markup` tagged templates escape every interpolated value with
 * `escapeHtml` (safe in text and in double-quoted attributes) unless it is already `Html`. URLs
 * are `SafeUrl` values, made only by links.ts from typed links and the renderer's own paths.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a double-quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A URL that passed the scheme allow-list; still escaped as an attribute value when interpolated. */
export class SafeUrl {
  private constructor(readonly value: string) {}
  /** For links.ts only. */
  static trust(value: string): SafeUrl {
    return new SafeUrl(value);
  }
}

export type Interpolation = Html | SafeUrl | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (value instanceof SafeUrl) return escapeHtml(value.value);
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The static parts of each template with line breaks and indentation between tags removed, once. */
const compacted = new WeakMap<TemplateStringsArray, string[]>();
function compact(strings: TemplateStringsArray): string[] {
  let parts = compacted.get(strings);
  if (!parts) {
    parts = strings.map((part) =>
      part
        .replace(/\s*\n\s*>/g, '>')
        .replace(/>\s*\n\s*/g, '>')
        .replace(/\s*\n\s*</g, '<')
        .replace(/\s*\n\s*/g, ' '),
    );
    compacted.set(strings, parts);
  }
  return parts;
}

/** Named `markup`, not `html`, so formatters leave the templates' whitespace alone. */
export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  const parts = compact(strings);
  let out = parts[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + parts[i + 1]!;
  return new Html(out);
}

/** Markup the renderer wrote itself (no document content): CSS, icons. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
