/**
 * The bench's result lines and how they are shown: each line is one figure of KWq8 beside one
 * comparison measured in the same run, their ratio, and the budget of docs/ARCHITECTURE.md
 * section 6, or "no budget". Rendered as a console table and as Markdown; the JSON file carries
 * the same lines plus the details.
 */

export interface Figure {
  value: number;
  text: string;
}

export interface Line {
  section: string;
  metric: string;
  figure: Figure | null;
  comparison?: { label: string } & Figure;
  /** figure / comparison unless given; null when it has no meaning (a zero comparison). */
  ratio?: number | null;
  budget?: { text: string; ok: boolean };
  /** Why the figure is missing ("not measured: …", "missing: no such page"). */
  missing?: string;
}

export const fig = (value: number, text: string): Figure => ({ value, text });

const group = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const kb = (bytes: number) => fig(bytes, `${group(bytes / 1024, 1)} KB`);
export const ms = (value: number, digits = 1) => fig(value, `${group(value, digits)} ms`);
export const perSecond = (value: number) => fig(value, `${group(value, value < 100 ? 1 : 0)}/s`);
export const count = (value: number, unit = '') => fig(value, `${group(value, Number.isInteger(value) ? 0 : 1)}${unit ? ` ${unit}` : ''}`);

export function ratioOf(line: Line): number | null {
  if (line.ratio !== undefined) return line.ratio;
  if (!line.figure || !line.comparison || line.comparison.value === 0) return null;
  return line.figure.value / line.comparison.value;
}

export function verdict(line: Line): string {
  if (!line.figure) return line.missing?.startsWith('missing') ? 'missing' : 'not measured';
  if (!line.budget) return 'no budget';
  return line.budget.ok ? 'within' : 'OVER';
}

const HEADER = ['#', 'metric', 'KWq8', 'compared with', 'its figure', 'ratio', 'budget', 'verdict'];

function cells(line: Line): string[] {
  const ratio = ratioOf(line);
  return [
    line.section,
    line.metric,
    line.figure?.text ?? line.missing ?? 'not measured',
    line.comparison?.label ?? '—',
    line.comparison?.text ?? '—',
    ratio === null ? '—' : `×${ratio >= 10 ? group(ratio, 0) : ratio >= 0.01 || ratio === 0 ? ratio.toFixed(2) : ratio.toPrecision(1)}`,
    line.budget?.text ?? '—',
    verdict(line),
  ];
}

export function consoleTable(lines: Line[]): string {
  const rows = [HEADER, ...lines.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function markdownTable(lines: Line[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [HEADER, HEADER.map(() => '---'), ...lines.map(cells)].map((row) => `| ${row.map(escape).join(' | ')} |`).join('\n');
}
