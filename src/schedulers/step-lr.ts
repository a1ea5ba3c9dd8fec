import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** StepLR's options: PyTorch's `step_size` and `gamma` in camelCase. */
export interface StepLROptions {
  /** Epochs between two decays (an integer >= 1). Required. */
  stepSize: number;
  /** Factor of each decay. Default 0.1. */
  gamma?: number;
}

/**
 * Decays each group's learning rate by `gamma` every `stepSize` epochs, as PyTorch's
 * `torch.optim.lr_scheduler.StepLR`:
 * ```text
 * lr_e = lr_{e-1} * gamma   if e > 0 and e % stepSize == 0
 * lr_e = lr_{e-1}           otherwise        (closed form: initialLr * gamma^floor(e / stepSize))
 * ```
 * The recursive form composes with other schedulers (ChainedScheduler).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   optimizer.step();  // an epoch of training: backward and optimizer.step() per batch
 *   scheduler.step();  // once per epoch
 * }
 * console.log(scheduler.getLastLr()); // [0.0001] (epochs 30, 60 and 90 decayed it)
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between two decays. */
  stepSize: number;
  /** Factor of each decay. */
  gamma: number;

  constructor(optimizer: SchedulerOptimizer, options: StepLROptions) {
    super(optimizer, 'StepLR');
    this.stepSize = check.integer('stepSize', options?.stepSize, { min: 1 });
    this.gamma = check.number('gamma', options.gamma ?? 0.1);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected options(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected readOptions(r: StateReader): () => void {
    const stepSize = r.integer('step_size', { min: 1 });
    const gamma = r.number('gamma');
    return () => {
      this.stepSize = stepSize;
      this.gamma = gamma;
    };
  }
}
