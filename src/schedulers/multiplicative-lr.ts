import { LRScheduler, perGroupFunctions, type EpochFunction, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** MultiplicativeLR's options: PyTorch's `lr_lambda`. */
export interface MultiplicativeLROptions {
  /** The factor applied at each epoch: one function, or one per param group. Required. */
  lrLambda: EpochFunction | EpochFunction[];
}

/**
 * Multiplies each group's learning rate by a function of the epoch at every epoch, as
 * PyTorch's `torch.optim.lr_scheduler.MultiplicativeLR`:
 * ```text
 * lr_e = lr_{e-1} * lrLambda(e)   (e > 0; lr_0 = lr)
 * ```
 * It has no closed form: restarted by SequentialLR at a milestone it keeps the current
 * learning rate (PyTorch 1.13's behaviour; 2.x multiplies once by `lrLambda(0)` there).
 * The functions are not part of the state dict (as in PyTorch).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * const scheduler = new MultiplicativeLR(optimizer, { lrLambda: () => 0.95 });
 * for (let epoch = 0; epoch < 2; epoch++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [0.09025]: 0.1 * 0.95^2
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  /** The function of each group. */
  readonly lrLambdas: EpochFunction[];

  constructor(optimizer: SchedulerOptimizer, options: MultiplicativeLROptions) {
    super(optimizer, 'MultiplicativeLR');
    this.lrLambdas = perGroupFunctions('lrLambda', options?.lrLambda, optimizer.paramGroups.length);
    this.initialStep();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
  }

  protected options(): SchedulerStateDict {
    return {};
  }

  protected readOptions(_r: StateReader): () => void {
    return () => {};
  }
}
