/**
 * Timing: warm a step up, then time batches of steps and keep the median seconds per step.
 */

/** How long to measure one cell (one optimizer, layout and backend). */
export interface Budget {
  /** Warm up for at least this many steps (the first one allocates the optimizer state)... */
  warmupMinSteps: number;
  /** ...and for at least this long, so the JIT and the page tables settle. */
  warmupSec: number;
  /** Keep sampling until this much time is spent... */
  budgetSec: number;
  /** ...and at least this many samples are taken... */
  minSamples: number;
  /** ...except that a slow cell stops after 3 samples once it has spent this long. */
  maxCellSec: number;
  /** Steps are batched so one sample lasts at least this long (small sizes: timer resolution). */
  minSampleSec: number;
}

export const BUDGETS = {
  quick: { warmupMinSteps: 2, warmupSec: 0.02, budgetSec: 0.08, minSamples: 3, maxCellSec: 2, minSampleSec: 0.002 },
  full: { warmupMinSteps: 2, warmupSec: 0.1, budgetSec: 0.5, minSamples: 7, maxCellSec: 8, minSampleSec: 0.005 },
} as const satisfies Record<string, Budget>;

/** The fewest samples a cell ever gets. */
const FLOOR_SAMPLES = 3;

/** What `measure` returns. */
export interface Timing {
  /** Median seconds per step over the samples. */
  medianSec: number;
  /** Fastest sample, seconds per step. */
  minSec: number;
  samples: number;
  /** Steps per sample. */
  batch: number;
  /** Steps timed in all (warm-up excluded). */
  steps: number;
}

/** Seconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Warms `step` up (the first step allocates the optimizer state and faults its pages in); the
 * fastest warm-up step after the first sizes the batches. Returns the steps per sample.
 */
function warmUp(step: () => void, budget: Budget): number {
  const warmStart = process.hrtime.bigint();
  let fastest = Infinity;
  for (let i = 0; i < budget.warmupMinSteps || since(warmStart) < budget.warmupSec; i++) {
    const t0 = process.hrtime.bigint();
    step();
    if (i > 0 || budget.warmupMinSteps === 1) fastest = Math.min(fastest, since(t0));
  }
  return Math.max(1, Math.ceil(budget.minSampleSec / Math.max(fastest, 1e-9)));
}

/** One sample: seconds per step over a batch. */
function sample(step: () => void, batch: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) step();
  return since(t0) / batch;
}

function timing(perStep: number[], batch: number): Timing {
  return { medianSec: median(perStep), minSec: Math.min(...perStep), samples: perStep.length, batch, steps: perStep.length * batch };
}

/** Whether a cell that took `samples` samples in `spent` seconds has had its budget. */
function done(samples: number, spent: number, budget: Budget): boolean {
  return (samples >= budget.minSamples && spent >= budget.budgetSec) || (samples >= FLOOR_SAMPLES && spent >= budget.maxCellSec);
}

/**
 * Warms `step` up, then times batches of steps until the budget is spent and `minSamples`
 * batches are taken (a slow cell: at least 3 and `maxCellSec`); each batch gives one
 * seconds-per-step sample.
 */
export function measure(step: () => void, budget: Budget): Timing {
  const batch = warmUp(step, budget);
  const perStep: number[] = [];
  const start = process.hrtime.bigint();
  do perStep.push(sample(step, batch));
  while (!done(perStep.length, since(start), budget));
  return timing(perStep, batch);
}

/**
 * `measure` for two steps at once, their samples interleaved (a, b, a, b, ...) within one
 * budget, so both see the same machine: a step and the bandwidth probe it is rated against.
 * On a shared machine the memory bandwidth moves by up to 2x within a minute; a bound probed
 * at another moment would rate the step against another machine.
 */
export function measurePaired(a: () => void, b: () => void, budget: Budget): { a: Timing; b: Timing } {
  const batchA = warmUp(a, budget);
  const batchB = warmUp(b, budget);
  const perA: number[] = [];
  const perB: number[] = [];
  const start = process.hrtime.bigint();
  do {
    perA.push(sample(a, batchA));
    perB.push(sample(b, batchB));
  } while (!done(perA.length, since(start), budget));
  return { a: timing(perA, batchA), b: timing(perB, batchB) };
}
