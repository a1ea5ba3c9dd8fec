/**
 * The measurement every suite shares: one parameter layout, every selected optimizer, every
 * runner (native instruction sets x thread counts, the JS backend, TensorFlow.js), one row per
 * cell, each beside the triad bound at the same element count and thread count.
 */
import type { ParamLike } from '../../src/index.js';
import { bytesPerStep, type OptimizerCase } from '../optimizers.js';

import { makeParams, totalElements } from './data.js';
import { sizeLabel } from './format.js';
import { rated, toRow, type Cell, type Row } from './results.js';
import { activate, type Runner } from './runners.js';
import { tfjsStepper, type TfjsSession } from './tfjs.js';
import type { ThreadControl } from './threads.js';
import { measure, measurePaired, type Budget } from './timing.js';
import type { BandwidthProbe } from './triad.js';

/** A parameter layout and which runners step it. */
export interface Layout {
  suite: string;
  /** Its name in the report: `4M`, `2000x512`, `gpt2-small`. */
  name: string;
  /** The tensors' shapes. */
  shapes: readonly (readonly number[])[];
  /** Builds the parameters; by default separately allocated buffers with the seeded data of `makeParams`. */
  build?: () => ParamLike[];
  /** Native runners: every selected instruction set, or the best one only. */
  isas: 'all' | 'best';
  /** The optimizers that also run on the references (JS backend, TensorFlow.js); all when absent. */
  referenceOptimizers?: readonly string[];
}

/** A cell that threw (TensorFlow.js out of memory, say): reported, not fatal. */
export interface Failure {
  suite: string;
  layout: string;
  optimizer: string;
  backend: string;
  error: string;
}

/** Everything a run selected, shared by the suites. */
export interface Bench {
  budget: Budget;
  optimizers: readonly OptimizerCase[];
  /** Selected native runners, best instruction set first. */
  native: readonly Runner[];
  /** Selected reference runners that are available: `js`, `tfjs-cpu`, `tfjs-wasm`. */
  references: readonly Runner[];
  tfjs: TfjsSession | null;
  /** Optimizers compared with TensorFlow.js (those with a `tfjs` counterpart among them). */
  tfjsOptimizers: ReadonlySet<string>;
  /**
   * The largest layout (in elements) each TensorFlow.js backend steps: cpu steps are slow, and
   * wasm's 4 GB heap runs out (and the module aborts for good) above about 48M elements of Adam.
   */
  tfjsMaxElements: Record<TfjsRunnerKind, number>;
  control: ThreadControl | null;
  probe: BandwidthProbe;
  failures: Failure[];
  /** TensorFlow.js backends that threw during this run (a wasm abort leaves the module unusable). */
  brokenTfjs: Set<TfjsRunnerKind>;
  log(line: string): void;
}

export type TfjsRunnerKind = 'tfjs-cpu' | 'tfjs-wasm';

const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

/** Measures every selected optimizer on every runner the layout takes. */
export async function runLayout(bench: Bench, layout: Layout): Promise<Row[]> {
  const elements = totalElements(layout.shapes);
  const count = layout.shapes.length;
  bench.log(`${layout.suite} ${layout.name} (${sizeLabel(elements)} elements in ${count} tensor${count === 1 ? '' : 's'})`);
  const params = layout.build ? layout.build() : makeParams(layout.shapes);
  const best = bench.native[0]?.isa;
  const natives = layout.isas === 'all' ? bench.native : bench.native.filter((r) => r.isa === best);
  const rows: Row[] = [];

  for (const opt of bench.optimizers) {
    const withReferences = !layout.referenceOptimizers || layout.referenceOptimizers.includes(opt.name);
    const references = withReferences ? bench.references : [];
    const cellOf = (runner: Runner): Cell => ({
      suite: layout.suite,
      layout: layout.name,
      optimizer: opt.name,
      backend: runner.label,
      kind: runner.kind,
      isa: runner.isa,
      threads: runner.threads,
      elements,
      tensors: count,
      bytesPerStep: bytesPerStep(opt, layout.shapes),
    });

    // The library: one optimizer for every native runner and the JS backend, so the state its
    // first step allocates (in the first warm-up) is reused by the following runners.
    const optimizer = opt.create(params);
    const step = (): void => void optimizer.step();
    for (const runner of natives) {
      bench.log(`  ${opt.name} ${runner.label}`);
      activate(runner, bench.control);
      // Rated against a triad timed beside it (same thread count, samples interleaved): the
      // step and its bound see the same machine.
      const paired = measurePaired(step, bench.probe.triadStep(elements), bench.budget);
      const triad = bench.probe.record(elements, runner.threads, paired.b);
      rows.push({ ...toRow(cellOf(runner), paired.a, triad.gbPerSec), paired: true });
    }
    for (const runner of references.filter((r) => r.kind === 'js')) {
      bench.log(`  ${opt.name} ${runner.label}`);
      activate(runner, bench.control);
      rows.push(toRow(cellOf(runner), measure(step, bench.budget), bench.probe.gbPerSec(elements, runner.threads)));
    }

    // TensorFlow.js: its own optimizer over variables with the same values and gradients.
    const make = opt.tfjs;
    if (bench.tfjs && make && bench.tfjsOptimizers.has(opt.name)) {
      for (const runner of references) {
        if (runner.kind !== 'tfjs-cpu' && runner.kind !== 'tfjs-wasm') continue;
        if (elements > bench.tfjsMaxElements[runner.kind]) continue;
        const failure = { suite: layout.suite, layout: layout.name, optimizer: opt.name, backend: runner.label };
        if (bench.brokenTfjs.has(runner.kind)) {
          bench.failures.push({ ...failure, error: 'skipped: this backend failed earlier in the run' });
          continue;
        }
        const bound = bench.probe.gbPerSec(elements, 1);
        bench.log(`  ${opt.name} ${runner.label}`);
        try {
          await bench.tfjs.use(runner.kind === 'tfjs-cpu' ? 'cpu' : 'wasm');
          const stepper = tfjsStepper(bench.tfjs.tf, make, params);
          try {
            rows.push(toRow(cellOf(runner), measure(stepper.step, bench.budget), bound));
          } finally {
            stepper.dispose();
          }
        } catch (err) {
          // A wasm abort (out of memory) leaves the module unusable: skip the backend from now on.
          bench.brokenTfjs.add(runner.kind);
          bench.failures.push({ ...failure, error: message(err) });
          bench.log(`    failed: ${message(err)}`);
        }
      }
    }
    collectGarbage();
  }

  // The references (not timed beside a triad) against the best triad of the layout, probed
  // again now that it is done: a probe taken while other processes held the cores must not
  // flatter them.
  for (const threads of new Set(rows.filter((r) => !r.paired).map((r) => r.threads))) bench.probe.remeasure(elements, threads);
  return rows.map((r) => (r.paired ? r : rated(r, bench.probe.gbPerSec(elements, r.threads))));
}
