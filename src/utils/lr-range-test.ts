/**
 * The learning-rate range test (Leslie Smith's "LR finder"): train for a short while with the
 * learning rate sweeping from tiny to huge, watch the loss, and pick the learning rate where it
 * falls fastest; then put the model and the optimizer back as they were.
 */
import type { ParamLike } from '../parameter.js';
import type { StateDict, StateDictInput } from '../optimizer.js';
import * as check from '../validate.js';

/** What the range test needs of an optimizer. */
export interface RangeTestOptimizer {
  /** The live param groups: the test writes each one's `lr` and snapshots its `params`. */
  readonly paramGroups: {
    /** The group's learning rate. */
    lr: number;
    /** The group's parameters. */
    params: ParamLike[];
    [key: string]: unknown;
  }[];
  /** One optimization step. */
  step(): unknown;
  /** The optimizer's state, taken before the sweep. */
  stateDict(): StateDict;
  /** Restores the state taken before the sweep. */
  loadStateDict(stateDict: StateDictInput): void;
}

/** `lrRangeTest`'s options. */
export interface LrRangeTestOptions {
  /**
   * One training batch at the learning rate already set: forward, backward (write every
   * parameter's gradient) and return the loss. The test then calls `optimizer.step()`.
   * `iteration` counts from 0; use it to pick the batch.
   */
  trainStep: (iteration: number) => number;
  /** The first learning rate (> 0). Default 1e-7. */
  startLr?: number;
  /** The last learning rate (> startLr). Default 10. */
  endLr?: number;
  /** Steps of the sweep (an integer >= 2). Default 100. */
  numIters?: number;
  /** 'exponential' (evenly spaced in log lr, the usual) or 'linear'. Default 'exponential'. */
  mode?: 'exponential' | 'linear';
  /** The factor of the loss's exponential moving average, in [0, 1) (0: no smoothing). Default 0.98. */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of its best so far (> 1; Infinity: never). Default 5. */
  divergeThreshold?: number;
  /** Points left out at the start of the curve when suggesting a learning rate. Default 10. */
  skipStart?: number;
  /** Points left out at the end. Default 5. */
  skipEnd?: number;
}

/** `lrRangeTest`'s result. */
export interface LrRangeTestResult {
  /** The learning rate of each step taken. */
  lrs: number[];
  /** The loss `trainStep` returned at each (before that step's update). */
  losses: number[];
  /** The bias-corrected exponential moving average of the losses. */
  smoothedLosses: number[];
  /**
   * The learning rate where the smoothed loss falls fastest per step of the sweep (the
   * steepest negative slope, per unit of log lr in exponential mode), between `skipStart` and
   * `skipEnd`; null when too few points remain.
   */
  suggestedLr: number | null;
  /** The learning rate of the lowest smoothed loss (a common rule: use a tenth of it). */
  minLossLr: number;
  /** Why the sweep ended before `numIters`: the smoothed loss diverged, or a loss was not finite; null if it ran to the end. */
  stoppedEarly: 'diverged' | 'non-finite' | null;
}

/**
 * Runs the learning-rate range test (Smith's LR finder) on the user's own training step.
 *
 * For step `i` of `n`, every param group's learning rate is set to
 * `startLr * (endLr / startLr)^(i / (n - 1))` (exponential mode) or
 * `startLr + (endLr - startLr) * i / (n - 1)` (linear), `trainStep(i)` computes the loss and the
 * gradients, and the optimizer steps. The loss is smoothed with a bias-corrected moving
 * average (`avg = s avg + (1 - s) loss`, `smoothed = avg / (1 - s^(i+1))`), and the sweep stops
 * early when the smoothed loss exceeds `divergeThreshold` times its minimum or a loss is NaN or
 * infinite. Afterwards the parameters' values and the optimizer's whole state (its state dict:
 * buffers, step counts and each group's hyperparameters, the learning rates included) are
 * restored to what they were, even if `trainStep` throws; the gradients hold the last batch's.
 *
 * References: Smith, "Cyclical Learning Rates for Training Neural Networks" (WACV 2017), section
 * 3.3; the smoothing and divergence stop follow fastai's `lr_find`.
 *
 * @example
 * ```ts
 * // A model to fit: w towards noisy targets, loss sum (w - t)^2 (SGD diverges above lr = 1).
 * const w = new Parameter(16);
 * const optimizer = new SGD([w], { lr: 0.01 });
 * const { suggestedLr, minLossLr, lrs, stoppedEarly } = lrRangeTest(optimizer, {
 *   trainStep: (iteration) => {
 *     // forward and backward on batch `iteration`: write every gradient, return the loss
 *     let loss = 0;
 *     w.data.forEach((v, j) => {
 *       const t = Math.sin(j) + 0.01 * Math.sin(7 * iteration + j); // the batch's target
 *       loss += (v - t) ** 2;
 *       w.grad![j] = 2 * (v - t);
 *     });
 *     return loss;
 *   },
 *   startLr: 1e-4,
 *   endLr: 10,
 * });
 * console.log(stoppedEarly, lrs.length < 100);     // diverged true: it stopped once the loss blew up
 * console.log(suggestedLr! > 1e-3 && suggestedLr! < minLossLr); // true: steepest descent, before the minimum
 * console.log(w.data[1], optimizer.paramGroups[0].lr); // 0 0.01: parameters and optimizer put back
 * optimizer.paramGroups.forEach((g) => (g.lr = suggestedLr ?? 1e-3));
 * ```
 */
export function lrRangeTest(optimizer: RangeTestOptimizer, options: LrRangeTestOptions): LrRangeTestResult {
  if (typeof options?.trainStep !== 'function') throw check.invalidParameterError('trainStep', 'a function', options?.trainStep);
  const startLr = check.number('startLr', options.startLr ?? 1e-7, { min: 0, minOpen: true });
  const endLr = check.number('endLr', options.endLr ?? 10, { min: startLr, minOpen: true });
  const n = check.integer('numIters', options.numIters ?? 100, { min: 2 });
  const mode = check.oneOf('mode', options.mode ?? 'exponential', ['exponential', 'linear'] as const);
  const beta = check.number('smoothing', options.smoothing ?? 0.98, { min: 0, max: 1, maxOpen: true });
  const diverge = options.divergeThreshold ?? 5;
  if (diverge !== Infinity) check.number('divergeThreshold', diverge, { min: 1, minOpen: true });
  const skipStart = check.integer('skipStart', options.skipStart ?? 10, { min: 0 });
  const skipEnd = check.integer('skipEnd', options.skipEnd ?? 5, { min: 0 });

  const params = optimizer.paramGroups.flatMap((g) => g.params);
  const savedData = params.map((p) => p.data.slice());
  const savedState = optimizer.stateDict();

  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothedLosses: number[] = [];
  let stoppedEarly: LrRangeTestResult['stoppedEarly'] = null;
  try {
    let avg = 0;
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      const lr = mode === 'exponential' ? startLr * (endLr / startLr) ** (i / (n - 1)) : startLr + ((endLr - startLr) * i) / (n - 1);
      for (const g of optimizer.paramGroups) g.lr = lr;
      const loss = options.trainStep(i);
      if (typeof loss !== 'number' || !Number.isFinite(loss)) {
        stoppedEarly = 'non-finite';
        break;
      }
      avg = beta * avg + (1 - beta) * loss;
      const smoothed = avg / (1 - beta ** (i + 1));
      lrs.push(lr);
      losses.push(loss);
      smoothedLosses.push(smoothed);
      if (i > 0 && smoothed > diverge * best) {
        stoppedEarly = 'diverged';
        break;
      }
      best = Math.min(best, smoothed);
      optimizer.step();
    }
  } finally {
    params.forEach((p, i) => p.data.set(savedData[i]));
    optimizer.loadStateDict(savedState);
  }
  return { lrs, losses, smoothedLosses, suggestedLr: steepest(lrs, smoothedLosses, skipStart, skipEnd), minLossLr: minLossLr(lrs, smoothedLosses), stoppedEarly };
}

/** The lr at the most negative slope of the smoothed loss per sweep step (numpy's `gradient`: central differences inside, one-sided at the ends). */
function steepest(lrs: number[], smoothed: number[], skipStart: number, skipEnd: number): number | null {
  const end = smoothed.length - skipEnd;
  if (end - skipStart < 2) return null;
  const ys = smoothed.slice(skipStart, end);
  let best = 0;
  let bestSlope = Infinity;
  ys.forEach((_, k) => {
    const slope = k === 0 ? ys[1] - ys[0] : k === ys.length - 1 ? ys[k] - ys[k - 1] : (ys[k + 1] - ys[k - 1]) / 2;
    if (slope < bestSlope) {
      bestSlope = slope;
      best = k;
    }
  });
  return lrs[skipStart + best];
}

function minLossLr(lrs: number[], smoothed: number[]): number {
  let best = 0;
  smoothed.forEach((v, i) => {
    if (v < smoothed[best]) best = i;
  });
  return lrs.length > 0 ? lrs[best] : NaN;
}
