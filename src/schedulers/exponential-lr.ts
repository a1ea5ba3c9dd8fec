import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** ExponentialLR's options: PyTorch's `gamma`. */
export interface ExponentialLROptions {
  /** Factor applied every epoch. Required. */
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` every epoch, as PyTorch's
 * `torch.optim.lr_scheduler.ExponentialLR`:
 * ```text
 * lr_e = lr_{e-1} * gamma   (e > 0; closed form: initialLr * gamma^e)
 * ```
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * const scheduler = new ExponentialLR(optimizer, { gamma: 0.5 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [0.0125]: 0.1 * 0.5^3
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** Factor of each epoch's decay. */
  gamma: number;

  constructor(optimizer: SchedulerOptimizer, options: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    this.gamma = check.number('gamma', options?.gamma);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }

  protected options(): SchedulerStateDict {
    return { gamma: this.gamma };
  }

  protected readOptions(r: StateReader): () => void {
    const gamma = r.number('gamma');
    return () => {
      this.gamma = gamma;
    };
  }
}
