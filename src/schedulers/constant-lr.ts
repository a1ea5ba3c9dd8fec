import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** ConstantLR's options: PyTorch's `factor` and `total_iters` in camelCase, with its defaults. */
export interface ConstantLROptions {
  /** Multiplies the learning rate until `totalIters` (in (0, 1]). Default 1/3. */
  factor?: number;
  /** Epochs during which the factor applies (an integer >= 0). Default 5. */
  totalIters?: number;
}

/**
 * Multiplies each group's learning rate by a constant `factor` for the first `totalIters`
 * epochs, as PyTorch's `torch.optim.lr_scheduler.ConstantLR` (typically a warmup):
 * ```text
 * e = 0:          lr_0 = lr * factor
 * e = totalIters: lr_e = lr_{e-1} / factor
 * otherwise:      lr_e = lr_{e-1}        (closed form: initialLr * (e < totalIters ? factor : 1))
 * ```
 * PyTorch accepts a factor of 0 and then divides by it at `totalIters`; here it must be > 0.
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * const warmup = new ConstantLR(optimizer, { factor: 0.5, totalIters: 4 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 6; epoch++) {
 *   lrs.push(warmup.getLastLr()[0]);
 *   optimizer.step();
 *   warmup.step();
 * }
 * console.log(lrs); // [0.05, 0.05, 0.05, 0.05, 0.1, 0.1]
 * ```
 */
export class ConstantLR extends LRScheduler {
  /** The factor during the first `totalIters` epochs. */
  factor: number;
  /** The epoch at which the factor is taken off. */
  totalIters: number;

  constructor(optimizer: SchedulerOptimizer, options: ConstantLROptions = {}) {
    super(optimizer, 'ConstantLR');
    this.factor = check.number('factor', options.factor ?? 1 / 3, { min: 0, minOpen: true, max: 1 });
    this.totalIters = check.integer('totalIters', options.totalIters ?? 5, { min: 0 });
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + after * (1 - this.factor)));
  }

  protected options(): SchedulerStateDict {
    return { factor: this.factor, total_iters: this.totalIters };
  }

  protected readOptions(r: StateReader): () => void {
    const factor = r.number('factor', { min: 0, minOpen: true, max: 1 });
    const totalIters = r.integer('total_iters', { min: 0 });
    return () => {
      this.factor = factor;
      this.totalIters = totalIters;
    };
  }
}
