/**
 * The performance targets of issue 5, as ratios of cells measured in the same run. They are
 * reported (printed and in the JSON), never asserted: the benchmark exits 0 whatever they say.
 */
import type { Isa } from '../../src/index.js';
import { ARENA_LAYOUT, MANY_LAYOUT, ONE_LAYOUT } from '../suites/tensors.js';

import { fmt, pct } from './format.js';
import type { Row } from './results.js';

export type TargetStatus = 'PASS' | 'FAIL' | 'not measured';

export interface TargetResult {
  id: string;
  description: string;
  /** The measured ratio (or fraction of the bound), null when not measured. */
  measured: number | null;
  /** How `measured` is printed: a fraction (as %), a ratio (as x), milliseconds, megabytes. */
  unit: 'fraction' | 'ratio' | 'ms' | 'MB';
  comparison: '>=' | '<=' | '<';
  threshold: number;
  status: TargetStatus;
  /** The cells it was computed from, or why it was not measured. */
  detail: string;
}

/** What the targets need to know about the run besides its rows. */
export interface TargetContext {
  /** The best native instruction set measured, null without the addon. */
  bestIsa: Isa | null;
  /** Thread counts measured. */
  threads: readonly number[];
  /** Logical CPUs available ("all threads"). */
  cores: number;
}

interface Query {
  suite: string;
  layout: string;
  optimizer: string;
  kind: Row['kind'];
  isa?: Isa | null;
  threads?: number;
}

function find(rows: readonly Row[], q: Query): Row | undefined {
  return rows.find(
    (r) =>
      r.suite === q.suite &&
      r.layout === q.layout &&
      r.optimizer === q.optimizer &&
      r.kind === q.kind &&
      (q.isa === undefined || r.isa === q.isa) &&
      (q.threads === undefined || r.threads === q.threads),
  );
}

function judge(
  base: Omit<TargetResult, 'measured' | 'status' | 'detail'>,
  measured: number | null,
  detail: string,
): TargetResult {
  if (measured === null) return { ...base, measured, status: 'not measured', detail };
  const { comparison: c, threshold: t } = base;
  const pass = c === '>=' ? measured >= t : c === '<=' ? measured <= t : measured < t;
  return { ...base, measured, status: pass ? 'PASS' : 'FAIL', detail };
}

const describeRow = (r: Row): string => `${r.backend} ${fmt(r.msPerStep)} ms`;

/** Every target, evaluated over this run's rows. */
export function evaluateTargets(rows: readonly Row[], ctx: TargetContext): TargetResult[] {
  const isa = ctx.bestIsa;
  const maxThreads = Math.max(...ctx.threads);
  const native = (suite: string, layout: string, threads: number): Row | undefined =>
    isa === null ? undefined : find(rows, { suite, layout, optimizer: 'Adam', kind: 'native', isa, threads });
  const results: TargetResult[] = [];

  // 1. Adam at 16M elements on all threads against the triad with the same thread count.
  {
    const base = {
      id: 'adam-16m-bandwidth',
      description: 'Adam float32 at 16M elements, all threads: fraction of the bandwidth bound (28 B/element over the triad GB/s)',
      unit: 'fraction' as const,
      comparison: '>=' as const,
      threshold: 0.85,
    };
    const row = native('sweep', '16M', maxThreads);
    const fewer = maxThreads < ctx.cores ? ` (only ${maxThreads} of ${ctx.cores} threads measured${ctx.threads.length === 1 ? ': no thread pool in this build' : ''})` : '';
    results.push(
      row && row.fractionOfBound !== null
        ? judge(base, row.fractionOfBound, `${describeRow(row)}, ${fmt(row.gbPerSec)} GB/s; triad beside it ${fmt(row.boundGbPerSec!)} GB/s${fewer}`)
        : judge(base, null, 'needs sweep 16M, Adam, native'),
    );
  }

  // 2-3. Native Adam on one thread against the JS backend and TensorFlow.js's cpu backend at 4M.
  for (const [kind, threshold] of [
    ['js', 8],
    ['tfjs-cpu', 100],
  ] as const) {
    const base = {
      id: `adam-4m-vs-${kind}`,
      description: `Native Adam at 4M elements, 1 thread, vs ${kind === 'js' ? 'the JS backend' : "TensorFlow.js's cpu-backend Adam"}: speed-up`,
      unit: 'ratio' as const,
      comparison: '>=' as const,
      threshold,
    };
    const nat = native('sweep', '4M', 1);
    const ref = find(rows, { suite: 'sweep', layout: '4M', optimizer: 'Adam', kind });
    results.push(
      nat && ref
        ? judge(base, ref.msPerStep / nat.msPerStep, `${describeRow(ref)} / ${describeRow(nat)}`)
        : judge(base, null, `needs sweep 4M, Adam, native t1 and ${kind}`),
    );
  }

  // 4. 2000 tensors of 512 against one tensor of 1,024,000, per thread count. The two cells are
  // timed minutes apart (the layouts run one after the other), while the machine's bandwidth
  // moves from minute to minute; both move the same bytes, so their times are compared at the
  // same bandwidth: each over the bound of the triad timed beside it (the ratio of their
  // fractions of the bound). The plain time ratio is printed beside it.
  for (const threads of ctx.threads) {
    const base = {
      id: `tensors-${MANY_LAYOUT}-t${threads}`,
      description: `Adam over ${MANY_LAYOUT} tensors in a ParameterArena vs ${ONE_LAYOUT}, native, ${threads} thread${threads > 1 ? 's' : ''}: time ratio at equal bandwidth`,
      unit: 'ratio' as const,
      comparison: '<=' as const,
      threshold: 1.3,
    };
    const many = native('tensors', ARENA_LAYOUT, threads);
    const one = native('tensors', ONE_LAYOUT, threads);
    const bounded = many?.fractionOfBound != null && one?.fractionOfBound != null;
    results.push(
      many && one
        ? judge(
            base,
            bounded ? one.fractionOfBound! / many.fractionOfBound! : many.msPerStep / one.msPerStep,
            `${fmt(many.msPerStep)} ms / ${fmt(one.msPerStep)} ms = ${fmt(many.msPerStep / one.msPerStep)}x` +
              (bounded ? `; of their triads' bounds ${pct(many.fractionOfBound!)} / ${pct(one.fractionOfBound!)}` : ' (no bound: plain time ratio)'),
          )
        : judge(base, null, 'needs the tensors suite with Adam, native'),
    );
  }

  // 5-6. Measured by the engine's own benchmark (stepAsync, long runs), not by this suite.
  results.push(
    judge(
      { id: 'event-loop-delay', description: 'Event-loop delay during a stepAsync() over 64M elements', unit: 'ms', comparison: '<', threshold: 5 },
      null,
      'measured by bench/engine.ts (monitorEventLoopDelay during stepAsync), not by this suite',
    ),
    judge(
      { id: 'memory-growth', description: 'JS heap and RSS growth over 10,000 steps', unit: 'MB', comparison: '<=', threshold: 0 },
      null,
      'measured by bench/engine.ts, not by this suite',
    ),
  );
  return results;
}

function formatValue(t: TargetResult, x: number): string {
  if (t.unit === 'fraction') return pct(x);
  if (t.unit === 'ratio') return `${x.toFixed(2)}x`;
  return `${fmt(x)} ${t.unit}`;
}

/** `measured` as the report prints it: 92%, 13.8x, 1.2 ms. */
export function formatMeasured(t: TargetResult): string {
  return t.measured === null ? 'n/a' : formatValue(t, t.measured);
}

/** The threshold as the report prints it: >= 85%, <= 1.30x, < 5 ms. */
export function formatThreshold(t: TargetResult): string {
  return `${t.comparison} ${formatValue(t, t.threshold)}`;
}
