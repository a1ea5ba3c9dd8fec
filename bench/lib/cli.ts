/**
 * The benchmark's command line: the mode, and what to select from each dimension of the
 * measurement matrix (suites, optimizers, sizes, backends, instruction sets, threads).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import type { Isa } from '../../src/index.js';
import { OPTIMIZERS, type OptimizerCase } from '../optimizers.js';
import { SUITES, type Suite } from '../suites/index.js';
import { QUICK_SIZES, SWEEP_SIZES } from '../suites/sweep.js';

import { M, parseSize } from './format.js';
import type { TfjsRunnerKind } from './layout.js';
import { RUNNER_KINDS, type RunnerKind } from './runners.js';
import { BUDGETS, type Budget } from './timing.js';

export type Mode = keyof typeof BUDGETS;

export interface CliOptions {
  mode: Mode;
  budget: Budget;
  suites: Suite[];
  optimizers: OptimizerCase[];
  sizes: number[];
  backends: RunnerKind[];
  /** `all`, `best`, or instruction sets by name. */
  isas: 'all' | 'best' | Isa[];
  /** Thread counts; null: 1 and all (1 alone without a thread pool). */
  threads: number[] | null;
  /** Optimizers also run on TensorFlow.js (among those it has). */
  tfjsOptimizers: Set<string>;
  /** The largest layout each TensorFlow.js backend steps. */
  tfjsMaxElements: Record<TfjsRunnerKind, number>;
  jsonPath: string;
  svgPath: string;
}

export const USAGE = `usage: tsx bench/run.ts [options]

  --quick                     quick mode (npm run bench:quick): fewer sizes, best ISA, Adam on tfjs, shorter budget
  --suites sweep,tensors,gpt2 suites to run (full: all; quick: sweep,tensors)
  --optimizers Adam,SGD       optimizers (default: all of bench/optimizers.ts)
  --sizes 1K,4M,64M           sweep sizes (full: 1K..64M in powers of 4; quick: 4K,256K,4M,16M)
  --backends native,js,tfjs-cpu,tfjs-wasm
                              what runs the steps (default: all available)
  --isas all|best|avx2,...    native instruction sets (full: all; quick: best)
  --threads 1,2               native thread counts (default: 1 and all; 1 without a thread pool)
  --tfjs-optimizers all|none|Adam,...
                              optimizers also run on TensorFlow.js (full: all it has; quick: Adam)
  --tfjs-cpu-max 16M          largest layout tfjs-cpu steps (full: 16M; quick: 4M)
  --tfjs-wasm-max 16M         largest layout tfjs-wasm steps (default 16M: above ~48M its heap runs out)
  --budget <seconds>          sampling time per cell (full: ${BUDGETS.full.budgetSec}; quick: ${BUDGETS.quick.budgetSec})
  --json <path>               JSON output (default: bench/results/<mode>.json)
  --svg <path>                SVG chart (default: bench/results/<mode>.svg)`;

/** A comma list, each item matched case-insensitively against `known`. */
function pick<T>(text: string, what: string, known: readonly T[], name: (t: T) => string): T[] {
  const items = [...new Set(text.split(',').map((item) => item.trim().toLowerCase()))];
  return items.map((item) => {
    const hit = known.find((k) => name(k).toLowerCase() === item);
    if (hit === undefined) throw new Error(`unknown ${what} '${item}' (known: ${known.map(name).join(', ')})`);
    return hit;
  });
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`invalid ${what} '${text}'`);
  return n;
}

export function parseCli(argv: string[], benchDir: string): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      suites: { type: 'string' },
      optimizers: { type: 'string' },
      sizes: { type: 'string' },
      backends: { type: 'string' },
      isas: { type: 'string' },
      threads: { type: 'string' },
      'tfjs-optimizers': { type: 'string' },
      'tfjs-cpu-max': { type: 'string' },
      'tfjs-wasm-max': { type: 'string' },
      budget: { type: 'string' },
      json: { type: 'string' },
      svg: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const mode: Mode = values.quick ? 'quick' : 'full';
  const quick = mode === 'quick';

  const budget: Budget = { ...BUDGETS[mode] };
  if (values.budget !== undefined) {
    const sec = Number(values.budget);
    if (!(sec > 0)) throw new Error(`invalid --budget '${values.budget}'`);
    budget.budgetSec = sec;
  }
  const optimizers = values.optimizers ? pick(values.optimizers, 'optimizer', OPTIMIZERS, (o) => o.name) : [...OPTIMIZERS];
  const withTfjs = OPTIMIZERS.filter((o) => o.tfjs).map((o) => o.name);
  const tfjsText = values['tfjs-optimizers'] ?? (quick ? 'Adam' : 'all');
  const tfjsOptimizers =
    tfjsText === 'all' ? withTfjs : tfjsText === 'none' ? [] : pick(tfjsText, 'TensorFlow.js optimizer', withTfjs, (n) => n);

  let isas: CliOptions['isas'] = quick ? 'best' : 'all';
  if (values.isas && values.isas !== 'all' && values.isas !== 'best') {
    isas = pick(values.isas, 'instruction set', ['avx512', 'avx2', 'scalar'] as const, (i) => i);
  } else if (values.isas) {
    isas = values.isas as 'all' | 'best';
  }

  return {
    mode,
    budget,
    suites: values.suites ? pick(values.suites, 'suite', SUITES, (s) => s.name) : SUITES.filter((s) => !quick || s.name !== 'gpt2'),
    optimizers,
    sizes: values.sizes ? values.sizes.split(',').map(parseSize) : quick ? QUICK_SIZES : SWEEP_SIZES,
    backends: values.backends ? pick(values.backends, 'backend', RUNNER_KINDS, (k) => k) : [...RUNNER_KINDS],
    isas,
    threads: values.threads ? values.threads.split(',').map((t) => positiveInt(t, 'thread count')) : null,
    tfjsOptimizers: new Set(tfjsOptimizers),
    tfjsMaxElements: {
      'tfjs-cpu': values['tfjs-cpu-max'] ? parseSize(values['tfjs-cpu-max']) : quick ? 4 * M : 16 * M,
      'tfjs-wasm': values['tfjs-wasm-max'] ? parseSize(values['tfjs-wasm-max']) : 16 * M,
    },
    jsonPath: values.json ? path.resolve(values.json) : path.join(benchDir, 'results', `${mode}.json`),
    svgPath: values.svg ? path.resolve(values.svg) : path.join(benchDir, 'results', `${mode}.svg`),
  };
}
