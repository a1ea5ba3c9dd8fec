/**
 * The printed report: per suite one table of times (with the fraction of the bound) and one
 * of ratios, then the targets.
 */
import { fmt, pct, table } from './format.js';
import type { Failure } from './layout.js';
import type { Row } from './results.js';
import { RUNNER_KINDS } from './runners.js';
import { formatMeasured, formatThreshold, type TargetResult } from './targets.js';

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The backends of these rows: native first (in the order measured), then the references. */
function backendColumns(rows: readonly Row[]): string[] {
  return RUNNER_KINDS.flatMap((kind) => unique(rows.filter((r) => r.kind === kind).map((r) => r.backend)));
}

/**
 * One line per (layout, optimizer), one column per backend: median ms per step and, in
 * parentheses, the fraction of the bound; above each layout's optimizers, the triad's GB/s in
 * the native columns of its thread count.
 */
export function timesTable(rows: readonly Row[], triads: readonly Row[]): string {
  const columns = backendColumns(rows);
  const lines: string[][] = [];
  for (const layout of unique(rows.map((r) => r.layout))) {
    const inLayout = rows.filter((r) => r.layout === layout);
    const elements = inLayout[0].elements;
    const nativeThreads = new Map(inLayout.filter((r) => r.kind === 'native').map((r) => [r.backend, r.threads]));
    const triadCells = columns.map((c) => {
      const threads = nativeThreads.get(c);
      const triad = triads.find((t) => t.elements === elements && t.threads === threads);
      return triad ? `${fmt(triad.gbPerSec)} GB/s` : '';
    });
    if (triadCells.some((c) => c !== '')) lines.push([layout, 'triad (best)', ...triadCells]);
    for (const optimizer of unique(inLayout.map((r) => r.optimizer))) {
      const cells = columns.map((c) => {
        const r = inLayout.find((x) => x.optimizer === optimizer && x.backend === c);
        if (!r) return '';
        return r.fractionOfBound === null ? fmt(r.msPerStep) : `${fmt(r.msPerStep)} (${pct(r.fractionOfBound)})`;
      });
      lines.push([layout, optimizer, ...cells]);
    }
  }
  return table(['layout', 'optimizer', ...columns], lines, 'll');
}

/**
 * Per (layout, optimizer): the best instruction set's time on one thread, its speed-up on more
 * threads, and each reference's time over it (how many times faster the native step is).
 */
export function ratiosTable(rows: readonly Row[]): string | null {
  const natives = rows.filter((r) => r.kind === 'native');
  const bestIsa = natives[0]?.isa;
  if (!bestIsa) return null;
  const threadCounts = unique(natives.filter((r) => r.isa === bestIsa).map((r) => r.threads)).filter((n) => n !== 1);
  const references = backendColumns(rows.filter((r) => r.kind !== 'native'));
  if (threadCounts.length === 0 && references.length === 0) return null;
  const headers = [
    'layout',
    'optimizer',
    `${bestIsa}/t1 ms`,
    ...threadCounts.map((n) => `t${n} speed-up`),
    ...references.map((b) => `vs ${b}`),
  ];
  const lines: string[][] = [];
  for (const layout of unique(rows.map((r) => r.layout))) {
    for (const optimizer of unique(rows.filter((r) => r.layout === layout).map((r) => r.optimizer))) {
      const get = (pred: (r: Row) => boolean): Row | undefined =>
        rows.find((r) => r.layout === layout && r.optimizer === optimizer && pred(r));
      const base = get((r) => r.kind === 'native' && r.isa === bestIsa && r.threads === 1);
      if (!base) continue;
      const ratio = (r: Row | undefined, inverse = false): string =>
        r ? `${(inverse ? base.msPerStep / r.msPerStep : r.msPerStep / base.msPerStep).toFixed(2)}x` : '';
      const ratios = [
        ...threadCounts.map((n) => ratio(get((r) => r.kind === 'native' && r.isa === bestIsa && r.threads === n), true)),
        ...references.map((b) => ratio(get((r) => r.backend === b))),
      ];
      if (ratios.some((x) => x !== '')) lines.push([layout, optimizer, fmt(base.msPerStep), ...ratios]);
    }
  }
  return lines.length > 0 ? table(headers, lines, 'll') : null;
}

export function targetsTable(targets: readonly TargetResult[]): string {
  const lines = targets.map((t) => [t.status, t.description, formatMeasured(t), formatThreshold(t), t.detail]);
  return table(['status', 'target', 'measured', 'goal', 'from'], lines, 'llrrl');
}

export function failuresText(failures: readonly Failure[]): string {
  return failures.map((f) => `  ${f.suite} ${f.layout} ${f.optimizer} ${f.backend}: ${f.error}`).join('\n');
}
