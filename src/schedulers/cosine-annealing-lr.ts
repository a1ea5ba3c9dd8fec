import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** CosineAnnealingLR's options: PyTorch's `T_max` and `eta_min` as `tMax` and `etaMin`. */
export interface CosineAnnealingLROptions {
  /** Epochs of the half cosine (an integer >= 1). Required. */
  tMax: number;
  /** The learning rate at `tMax`. Default 0. */
  etaMin?: number;
}

/**
 * Anneals each group's learning rate from its `initialLr` to `etaMin` along a half cosine over
 * `tMax` epochs, as PyTorch's `torch.optim.lr_scheduler.CosineAnnealingLR` (the annealing of
 * SGDR, without restarts):
 * ```text
 * lr_e = etaMin + (initialLr - etaMin) * (1 + cos(pi * e / tMax)) / 2
 * ```
 * computed as PyTorch does, recursively (`lr_e - etaMin = (lr_{e-1} - etaMin) * (1 + cos(pi e/T))
 * / (1 + cos(pi (e-1)/T))`, with PyTorch's special step at `e = (2k+1) tMax + 1`), so it composes
 * with other schedulers and, past `tMax`, rises again as PyTorch's does.
 * Reference: Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (ICLR 2017).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 50; epoch++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [0.050005]: halfway between 0.1 and 1e-5
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs of the half cosine. */
  tMax: number;
  /** The learning rate at epoch `tMax`. */
  etaMin: number;

  constructor(optimizer: SchedulerOptimizer, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    this.tMax = check.integer('tMax', options?.tMax, { min: 1 });
    this.etaMin = check.number('etaMin', options.etaMin ?? 0);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, tMax: t, etaMin } = this;
    if (e === 0) return groups.map((g) => g.lr);
    if ((e - 1 - t) % (2 * t) === 0) {
      // The step after an odd multiple of tMax: PyTorch adds the first step of the next rise.
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / t))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / t)) / (1 + Math.cos((Math.PI * (e - 1)) / t))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }

  protected options(): SchedulerStateDict {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }

  protected readOptions(r: StateReader): () => void {
    const tMax = r.integer('T_max', { min: 1 });
    const etaMin = r.number('eta_min');
    return () => {
      this.tMax = tMax;
      this.etaMin = etaMin;
    };
  }
}
