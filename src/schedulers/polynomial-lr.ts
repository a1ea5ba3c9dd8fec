import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** PolynomialLR's options: PyTorch's `total_iters` and `power` in camelCase, with its defaults. */
export interface PolynomialLROptions {
  /** Epochs over which the learning rate decays to 0 (an integer >= 1). Default 5. */
  totalIters?: number;
  /** The polynomial's power. Default 1. */
  power?: number;
}

/**
 * Decays each group's learning rate to 0 over `totalIters` epochs along a polynomial, as
 * PyTorch's `torch.optim.lr_scheduler.PolynomialLR`:
 * ```text
 * lr_e = initialLr * (1 - min(e, totalIters) / totalIters)^power
 *      (recursively: lr_e = lr_{e-1} * ((1 - e/T) / (1 - (e-1)/T))^power for 0 < e <= T)
 * ```
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * const scheduler = new PolynomialLR(optimizer, { totalIters: 4, power: 2 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(lrs); // [0.1, 0.05625, 0.025, 0.00625, 0]: 0.1 * (1 - e/4)^2, to float rounding
 * ```
 */
export class PolynomialLR extends LRScheduler {
  /** The epochs until the learning rate reaches 0. */
  totalIters: number;
  /** The polynomial's power. */
  power: number;

  constructor(optimizer: SchedulerOptimizer, options: PolynomialLROptions = {}) {
    super(optimizer, 'PolynomialLR');
    this.totalIters = check.integer('totalIters', options.totalIters ?? 5, { min: 1 });
    this.power = check.number('power', options.power ?? 1);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    const { lastEpoch: e, totalIters: t } = this;
    if (e === 0 || e > t) return lrs;
    const decay = ((1 - e / t) / (1 - (e - 1) / t)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }

  protected override closedFormLr(): number[] {
    const t = this.totalIters;
    return this.baseLrs.map((b) => b * (1 - Math.min(t, this.lastEpoch) / t) ** this.power);
  }

  protected options(): SchedulerStateDict {
    return { total_iters: this.totalIters, power: this.power };
  }

  protected readOptions(r: StateReader): () => void {
    const totalIters = r.integer('total_iters', { min: 1 });
    const power = r.number('power');
    return () => {
      this.totalIters = totalIters;
      this.power = power;
    };
  }
}
