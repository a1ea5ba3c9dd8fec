import { Scheduler, StateReader, checkOptimizer, groupLrs, writeGroups, type SchedulerOptimizer, type SchedulerStateDict } from './scheduler.js';

/** Checks a list of schedulers for a composite: non-empty, all of `optimizer` (the first's when omitted). */
export function checkChildren(name: string, schedulers: readonly Scheduler[], optimizer?: SchedulerOptimizer): SchedulerOptimizer {
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new TypeError(`${name}: expected a non-empty list of schedulers`);
  }
  schedulers.forEach((s, i) => {
    if (!(s instanceof Scheduler)) {
      throw new TypeError(`${name}: schedulers[${i}] is not a scheduler that steps without arguments (ReduceLROnPlateau cannot be composed)`);
    }
  });
  const opt = optimizer ?? schedulers[0].optimizer;
  checkOptimizer(opt, name);
  schedulers.forEach((s, i) => {
    if (s.optimizer !== opt) throw new RangeError(`${name}: schedulers[${i}] belongs to another optimizer`);
  });
  return opt;
}

/** Resets every group's learning rate to its `initialLr` (what a composite does before starting over). */
export function resetToInitialLr(optimizer: SchedulerOptimizer): void {
  writeGroups(optimizer, optimizer.paramGroups.map((g) => (typeof g.initialLr === 'number' ? g.initialLr : g.lr)));
}

/** Checks every child's part of a composite's state dict; returns one commit for all of them. */
export function prepareChildren(owner: string, schedulers: readonly Scheduler[], r: StateReader): () => void {
  const commits = r.list('_schedulers', schedulers.length).map((sd, i) => {
    if (typeof sd !== 'object' || sd === null) throw new TypeError(`${owner}.loadStateDict: _schedulers[${i}] must be a state dict`);
    return schedulers[i].prepareLoad(sd as SchedulerStateDict);
  });
  return () => commits.forEach((c) => c());
}

/**
 * Steps several schedulers as one, in order, each acting on the learning rates the previous
 * left (their recursive forms compose), as PyTorch's `torch.optim.lr_scheduler.ChainedScheduler`.
 * The schedulers are built first (each performs its own first step on the groups), then chained.
 *
 * Nested in a SequentialLR (which PyTorch 1.13 cannot do, #67957, and 2.x does with a skewed
 * schedule, #196243), it starts over at its milestone as a freshly built chain would: the
 * groups' learning rates go back to `initialLr` and each scheduler takes its first step again.
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 1 });
 * const scheduler = new ChainedScheduler([
 *   new ConstantLR(optimizer, { factor: 0.1, totalIters: 2 }),
 *   new ExponentialLR(optimizer, { gamma: 0.9 }),
 * ]);
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(lrs.map((lr) => Number(lr.toPrecision(6)))); // [0.1, 0.09, 0.81, 0.729]: ConstantLR's 0.1 for two epochs, times ExponentialLR's 0.9^e
 * ```
 */
export class ChainedScheduler extends Scheduler {
  /** The class name, used in messages. */
  readonly name = 'ChainedScheduler';
  /** The optimizer the schedulers write (the first scheduler's). */
  readonly optimizer: SchedulerOptimizer;
  /** The chained schedulers, stepped in this order. */
  readonly schedulers: readonly Scheduler[];

  constructor(schedulers: Scheduler[], optimizer?: SchedulerOptimizer) {
    super();
    this.optimizer = checkChildren(this.name, schedulers, optimizer);
    this.schedulers = [...schedulers];
    this.lastLr = groupLrs(this.optimizer);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = groupLrs(this.optimizer);
  }

  initialStep(): void {
    for (const s of this.schedulers) s.initialStep();
    this.lastLr = groupLrs(this.optimizer);
  }

  restart(): void {
    resetToInitialLr(this.optimizer);
    this.initialStep();
  }

  stateDict(): SchedulerStateDict {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  prepareLoad(stateDict: SchedulerStateDict): () => void {
    const r = new StateReader(stateDict, this.name);
    const lastLr = r.numbers('_last_lr', this.optimizer.paramGroups.length);
    const children = prepareChildren(this.name, this.schedulers, r);
    return () => {
      children();
      writeGroups(this.optimizer, lastLr);
      this.lastLr = groupLrs(this.optimizer);
    };
  }
}
