/**
 * Number and size formatting, and aligned text tables.
 */

export const K = 1024;
export const M = 1024 * K;

/** 4096 -> "4K", 16777216 -> "16M"; other counts as they are. */
export function sizeLabel(n: number): string {
  if (n >= M && n % M === 0) return `${n / M}M`;
  if (n >= K && n % K === 0) return `${n / K}K`;
  return String(n);
}

/** Parses `4096`, `256K` or `4M` (binary multiples) into a positive element count. */
export function parseSize(text: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(text.trim());
  const unit = match?.[2].toUpperCase();
  const n = match ? Number(match[1]) * (unit === 'K' ? K : unit === 'M' ? M : 1) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`invalid size '${text}'`);
  return n;
}

/** `x` with about `digits` significant digits, never in exponent notation. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}

/** A fraction as a whole percentage. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/**
 * An aligned text table. `align` has one letter per column, `l` (left) or `r` (right); columns
 * past its end are right-aligned.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: string): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((w, c) => (align[c] === 'l' ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
