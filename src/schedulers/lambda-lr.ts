import { LRScheduler, perGroupFunctions, type EpochFunction, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** LambdaLR's options: PyTorch's `lr_lambda`. */
export interface LambdaLROptions {
  /** The factor of the initial learning rate at each epoch: one function, or one per param group. Required. */
  lrLambda: EpochFunction | EpochFunction[];
}

/**
 * Sets each group's learning rate to its `initialLr` times a function of the epoch, as
 * PyTorch's `torch.optim.lr_scheduler.LambdaLR`:
 * ```text
 * lr_e = initialLr * lrLambda(e)
 * ```
 * The functions are not part of the state dict (as in PyTorch): a resumed scheduler must be
 * built with the same ones.
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new AdamW([w], { lr: 1e-3 });
 * // linear warmup over 1000 steps, then constant
 * const scheduler = new LambdaLR(optimizer, { lrLambda: (step) => Math.min(1, (step + 1) / 1000) });
 * console.log(scheduler.getLastLr()); // [0.000001]: 1e-3 * 1/1000 at step 0
 * for (let step = 0; step < 10; step++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [0.000011]: 1e-3 * 11/1000
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** The function of each group. */
  readonly lrLambdas: EpochFunction[];

  constructor(optimizer: SchedulerOptimizer, options: LambdaLROptions) {
    super(optimizer, 'LambdaLR');
    this.lrLambdas = perGroupFunctions('lrLambda', options?.lrLambda, optimizer.paramGroups.length);
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }

  protected options(): SchedulerStateDict {
    return {};
  }

  protected readOptions(_r: StateReader): () => void {
    return () => {};
  }
}
