import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** MultiStepLR's options: PyTorch's `milestones` and `gamma`. */
export interface MultiStepLROptions {
  /** Epochs at which to decay (integers >= 1; a repeated milestone decays once per repetition). Required. */
  milestones: number[];
  /** Factor of each decay. Default 0.1. */
  gamma?: number;
}

function checkMilestones(name: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw check.invalidParameterError(name, 'a list of integers >= 1', value);
  return value.map((m, i) => check.integer(`${name}[${i}]`, m, { min: 1 })).sort((a, b) => a - b);
}

/**
 * Decays each group's learning rate by `gamma` once the epoch reaches each milestone, as
 * PyTorch's `torch.optim.lr_scheduler.MultiStepLR`:
 * ```text
 * lr_e = lr_{e-1} * gamma^(number of milestones equal to e)
 *        (closed form: initialLr * gamma^(number of milestones <= e))
 * ```
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new MultiStepLR(optimizer, { milestones: [30, 80], gamma: 0.1 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]); // the lr of this epoch
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(lrs[29], lrs[30], lrs[80]); // 0.1 0.01 0.001 (to float rounding)
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted, with repetitions. */
  milestones: number[];
  /** Factor of each decay. */
  gamma: number;

  constructor(optimizer: SchedulerOptimizer, options: MultiStepLROptions) {
    super(optimizer, 'MultiStepLR');
    this.milestones = checkMilestones('milestones', options?.milestones);
    this.gamma = check.number('gamma', options.gamma ?? 0.1);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return count === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }

  protected options(): SchedulerStateDict {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }

  protected readOptions(r: StateReader): () => void {
    const milestones = checkMilestones(`${this.name} state milestones`, r.raw('milestones'));
    const gamma = r.number('gamma');
    return () => {
      this.milestones = milestones;
      this.gamma = gamma;
    };
  }
}
