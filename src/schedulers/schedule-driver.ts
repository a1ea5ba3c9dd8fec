import type { Schedule } from '../schedules/schedule.js';
import * as check from '../validate.js';
import { Scheduler, StateReader, checkOptimizer, groupLrs, type SchedulerOptimizer, type SchedulerStateDict } from './scheduler.js';

/** `ScheduleDriver`'s options. */
export interface ScheduleDriverOptions {
  /** The schedule, one for every group or one per group. Required. */
  schedule: Schedule | Schedule[];
  /** The group hyperparameter it writes, by its TS name (`'lr'`, `'weightDecay'`, `'momentum'`, `'betas'`). Default 'lr'. */
  key?: string;
  /** For a list-valued hyperparameter (`betas`), the element it writes (0 for beta1). Default none. */
  index?: number;
}

/**
 * Drives one hyperparameter of every param group from pure schedules (`(step) => value`,
 * see `joinSchedules` and the `*Schedule` functions), the adapter between optax-style
 * schedules and the optimizers: at construction it writes `schedule(0)`, and each `step()`
 * writes `schedule(count)` for the next count. Its state dict is the count (and the values it
 * wrote), so a resumed run continues exactly. Driving `lr`, it composes in SequentialLR and
 * ChainedScheduler (it overwrites the learning rate, like a closed form).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new AdamW([w], { lr: 1e-3 });
 * const schedule = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 500, decaySteps: 10_000 });
 * const scheduler = new ScheduleDriver(optimizer, { schedule });
 * // weight decay on its own schedule, and Adam's beta1:
 * const decay = new ScheduleDriver(optimizer, { key: 'weightDecay', schedule: linearSchedule({ initValue: 0, endValue: 0.05, transitionSteps: 10_000 }) });
 * const beta1 = new ScheduleDriver(optimizer, { key: 'betas', index: 0, schedule: constantSchedule(0.9) });
 * for (let step = 0; step < 500; step++) {
 *   optimizer.step();   // one batch
 *   scheduler.step();
 *   decay.step();
 *   beta1.step();
 * }
 * const { lr, weightDecay, betas } = optimizer.paramGroups[0];
 * console.log(lr, weightDecay, betas); // 0.001 0.0025 [0.9, 0.999] (to float rounding): the peak lr after the warmup
 * ```
 */
export class ScheduleDriver extends Scheduler {
  /** The class name, used in messages. */
  readonly name = 'ScheduleDriver';
  /** The optimizer whose param groups this driver writes. */
  readonly optimizer: SchedulerOptimizer;
  /** One schedule per group. */
  readonly schedules: Schedule[];
  /** The group hyperparameter written (`'lr'`, `'weightDecay'`, `'betas'`, ...). */
  readonly key: string;
  /** The element written of a list-valued hyperparameter, or null for a number. */
  readonly index: number | null;
  /** The step count the values were last computed for (0 after construction). */
  count = 0;
  private lastValues: number[] = [];

  constructor(optimizer: SchedulerOptimizer, options: ScheduleDriverOptions) {
    super();
    checkOptimizer(optimizer, this.name);
    this.optimizer = optimizer;
    const n = optimizer.paramGroups.length;
    const s = options?.schedule;
    this.schedules = Array.isArray(s) ? [...s] : new Array<Schedule>(n).fill(s);
    if (this.schedules.length !== n || this.schedules.some((f) => typeof f !== 'function')) {
      throw check.invalidParameterError('schedule', `a schedule function or a list of ${n} (one per param group)`, s);
    }
    this.key = options.key ?? 'lr';
    if (typeof this.key !== 'string') throw check.invalidParameterError('key', 'a param group key', this.key);
    this.index = options.index === undefined ? null : check.integer('index', options.index, { min: 0 });
    optimizer.paramGroups.forEach((g, i) => {
      const v = g[this.key];
      if (this.index === null ? typeof v !== 'number' : !Array.isArray(v) || typeof v[this.index] !== 'number') {
        throw new TypeError(`ScheduleDriver: paramGroups[${i}].${this.key}${this.index === null ? '' : `[${this.index}]`} is not a number`);
      }
    });
    if (this.key === 'lr') for (const g of optimizer.paramGroups) if (typeof g.initialLr !== 'number') g.initialLr = g.lr;
    this.apply(this.schedules.map((f) => f(0)));
  }

  private apply(values: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      if (i >= values.length) return;
      if (this.index === null) {
        g[this.key] = values[i];
      } else {
        const list = [...(g[this.key] as number[])];
        list[this.index] = values[i];
        g[this.key] = list;
      }
    });
    this.lastValues = [...values];
    this.lastLr = groupLrs(this.optimizer);
  }

  step(): void {
    this.count += 1;
    this.apply(this.schedules.map((f) => f(this.count)));
  }

  restart(): void {
    this.count = 0;
    this.apply(this.schedules.map((f) => f(0)));
  }

  initialStep(): void {
    this.restart();
  }

  /** The values last written, one per group. */
  getLastValues(): number[] {
    return [...this.lastValues];
  }

  stateDict(): SchedulerStateDict {
    return { count: this.count, key: this.key, index: this.index, _last_values: [...this.lastValues] };
  }

  prepareLoad(stateDict: SchedulerStateDict): () => void {
    const r = new StateReader(stateDict, this.name);
    const count = r.integer('count', { min: 0 });
    if (r.raw('key') !== this.key || r.raw('index') !== this.index) {
      throw new RangeError(`ScheduleDriver.loadStateDict: the state dict drives ${String(r.raw('key'))}, this scheduler ${this.key}`);
    }
    const values = r.numbers('_last_values', this.optimizer.paramGroups.length);
    return () => {
      this.count = count;
      this.apply(values);
    };
  }
}
