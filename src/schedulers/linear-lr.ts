import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** LinearLR's options: PyTorch's `start_factor`, `end_factor` and `total_iters` in camelCase, with its defaults. */
export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Epochs over which the factor moves linearly (an integer >= 1). Default 5. */
  totalIters?: number;
}

/**
 * Multiplies each group's learning rate by a factor that moves linearly from `startFactor` to
 * `endFactor` over `totalIters` epochs, as PyTorch's `torch.optim.lr_scheduler.LinearLR`
 * (a linear warmup, or a linear decay):
 * ```text
 * factor_e = startFactor + (endFactor - startFactor) * min(e, totalIters) / totalIters
 * lr_e     = lr_{e-1} * factor_e / factor_{e-1}   (lr_0 = lr * startFactor; PyTorch's recursive form)
 * ```
 * As PyTorch 2.x, `startFactor` must be > 0 (1.13 accepted 0 and then divided by zero).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new AdamW([w], { lr: 1e-3 });
 * const warmup = new LinearLR(optimizer, { startFactor: 0.01, totalIters: 500 });
 * console.log(warmup.getLastLr()); // [0.00001]
 * for (let step = 0; step < 500; step++) {
 *   optimizer.step();
 *   warmup.step();
 * }
 * console.log(warmup.getLastLr()); // [0.001] (to float rounding)
 * ```
 */
export class LinearLR extends LRScheduler {
  /** The factor at epoch 0. */
  startFactor: number;
  /** The factor from epoch `totalIters` on. */
  endFactor: number;
  /** The epochs over which the factor moves. */
  totalIters: number;

  constructor(optimizer: SchedulerOptimizer, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    this.startFactor = check.number('startFactor', options.startFactor ?? 1 / 3, { min: 0, minOpen: true, max: 1 });
    this.endFactor = check.number('endFactor', options.endFactor ?? 1, { min: 0, max: 1 });
    this.totalIters = check.integer('totalIters', options.totalIters ?? 5, { min: 1 });
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }

  protected options(): SchedulerStateDict {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }

  protected readOptions(r: StateReader): () => void {
    const startFactor = r.number('start_factor', { min: 0, minOpen: true, max: 1 });
    const endFactor = r.number('end_factor', { min: 0, max: 1 });
    const totalIters = r.integer('total_iters', { min: 1 });
    return () => {
      Object.assign(this, { startFactor, endFactor, totalIters });
    };
  }
}
