import * as check from '../validate.js';
import { checkChildren, prepareChildren, resetToInitialLr } from './chained-scheduler.js';
import { Scheduler, StateReader, groupLrs, writeGroups, type SchedulerOptimizer, type SchedulerStateDict } from './scheduler.js';

/** SequentialLR's options: PyTorch's `schedulers` and `milestones`. */
export interface SequentialLROptions {
  /** The schedulers, in order, all built on the same optimizer. Required. */
  schedulers: Scheduler[];
  /** The epochs at which each next scheduler takes over: one fewer than schedulers, strictly increasing integers >= 1. */
  milestones: number[];
}

function checkMilestones(name: string, value: unknown, count: number): number[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw check.invalidParameterError(name, `a list of ${count} milestones (one fewer than the schedulers)`, value);
  }
  return value.map((m, i) => check.integer(`${name}[${i}]`, m, { min: i === 0 ? 1 : (value[i - 1] as number) + 1 }));
}

/** The number of milestones <= epoch (Python's `bisect_right`). */
function bisectRight(milestones: readonly number[], epoch: number): number {
  let i = 0;
  while (i < milestones.length && milestones[i] <= epoch) i++;
  return i;
}

/**
 * Runs schedulers one after another, switching at the milestones, as PyTorch's
 * `torch.optim.lr_scheduler.SequentialLR`: at construction the groups' learning rates go back
 * to `initialLr` and the first scheduler starts; at each milestone the next one starts over
 * from epoch 0 (its closed form at 0, PyTorch's `step(0)`), so a warmup hands over to the
 * main schedule at the learning rate the main schedule starts from.
 *
 * The schedulers may themselves be ChainedScheduler or SequentialLR: one of those starts over
 * as if freshly built (groups back to `initialLr`, then its first step), where PyTorch 1.13
 * fails (#67957) and 2.x runs a skewed schedule (#196243).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new AdamW([w], { lr: 1e-3 });
 * // linear warmup for 500 steps, then cosine annealing to 0 over the remaining 9500
 * const scheduler = new SequentialLR(optimizer, {
 *   schedulers: [
 *     new LinearLR(optimizer, { startFactor: 0.01, totalIters: 500 }),
 *     new CosineAnnealingLR(optimizer, { tMax: 9500 }),
 *   ],
 *   milestones: [500],
 * });
 * const lrs: number[] = [];
 * for (let step = 0; step < 10_000; step++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(lrs[0], lrs[500], lrs[5250].toExponential(2)); // 0.00001 0.001 5.00e-4 (to float rounding)
 * ```
 */
export class SequentialLR extends Scheduler {
  /** The class name, used in messages. */
  readonly name = 'SequentialLR';
  /** The optimizer the schedulers write. */
  readonly optimizer: SchedulerOptimizer;
  /** The schedulers, in the order they run. */
  readonly schedulers: readonly Scheduler[];
  /** The steps at which the next scheduler starts (one fewer than the schedulers). */
  milestones: number[];
  /** Steps taken: 0 after construction. */
  lastEpoch = 0;

  constructor(optimizer: SchedulerOptimizer, options: SequentialLROptions) {
    super();
    this.optimizer = checkChildren(this.name, options?.schedulers, optimizer);
    this.schedulers = [...options.schedulers];
    this.milestones = checkMilestones('milestones', options.milestones, this.schedulers.length - 1);
    this.initialStep();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.restart();
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  initialStep(): void {
    resetToInitialLr(this.optimizer);
    this.lastEpoch = 0;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  restart(): void {
    this.initialStep();
  }

  stateDict(): SchedulerStateDict {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  prepareLoad(stateDict: SchedulerStateDict): () => void {
    const r = new StateReader(stateDict, this.name);
    const milestones = checkMilestones(`${this.name} state _milestones`, r.raw('_milestones'), this.schedulers.length - 1);
    const lastEpoch = r.integer('last_epoch', { min: 0 });
    const lastLr = r.numbers('_last_lr', this.optimizer.paramGroups.length);
    const children = prepareChildren(this.name, this.schedulers, r);
    return () => {
      children();
      this.milestones = milestones;
      this.lastEpoch = lastEpoch;
      writeGroups(this.optimizer, lastLr);
      this.lastLr = groupLrs(this.optimizer);
    };
  }
}
