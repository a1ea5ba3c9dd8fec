/**
 * The base of the learning-rate schedulers, after PyTorch's `torch.optim.lr_scheduler`: a
 * scheduler writes the live `lr` of each of an optimizer's param groups (and, for the cycling
 * ones, `momentum` or `betas[0]`), keeps the epoch it is at, and saves and restores itself as
 * plain JSON data with PyTorch's key names.
 *
 * As PyTorch's, each param group gets an `initialLr` (PyTorch's `initial_lr`, which
 * `Optimizer.stateDict()` then writes) the first time a scheduler is attached, and the
 * constructor performs the first step (epoch 0). Unlike PyTorch's, `loadStateDict()` also
 * writes the saved learning rates (and cycled momentum) back into the groups, so a resumed run
 * continues exactly whether the optimizer's state dict is loaded before or after the
 * scheduler is built, and constructing the scheduler a second time changes nothing that loading
 * does not put back.
 */
import * as check from '../validate.js';

/** What a scheduler needs of an optimizer: its live param groups (with `lr`) and its defaults. */
export interface SchedulerOptimizer {
  /** The live param groups the scheduler writes. */
  readonly paramGroups: {
    /** The group's learning rate. */
    lr: number;
    [key: string]: unknown;
  }[];
  /** The optimizer's defaults (tells whether it has `momentum` or `betas`, for momentum cycling). */
  readonly defaults: object;
}

/** A JSON value: what every scheduler state dict is made of. */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A scheduler's state dict: PyTorch's attribute names, JSON-serializable (no functions, no Infinity). */
export type SchedulerStateDict = { [key: string]: JsonValue };

/** A per-epoch function given by the user (LambdaLR, MultiplicativeLR). */
export type EpochFunction = (epoch: number) => number;

/** Checks that `optimizer` has param groups with numeric learning rates. */
export function checkOptimizer(optimizer: SchedulerOptimizer, name: string): void {
  const groups = (optimizer as { paramGroups?: unknown } | null)?.paramGroups;
  if (!Array.isArray(groups) || groups.length === 0 || groups.some((g) => typeof g?.lr !== 'number')) {
    throw new TypeError(`${name}: expected an optimizer with param groups (each with a numeric lr) but received ${String(optimizer)}`);
  }
}

/** One function per param group: a single function is used for every group. */
export function perGroupFunctions<F extends (x: number) => number>(name: string, value: F | F[], groups: number): F[] {
  const list = Array.isArray(value) ? value : new Array<F>(groups).fill(value);
  if (list.length !== groups || list.some((f) => typeof f !== 'function')) {
    throw check.invalidParameterError(name, `a function or a list of ${groups} functions (one per param group)`, value);
  }
  return list;
}

/** Writes one value per group into a group key (`lr` by default). */
export function writeGroups(optimizer: SchedulerOptimizer, values: readonly number[], key = 'lr'): void {
  const n = Math.min(values.length, optimizer.paramGroups.length);
  for (let i = 0; i < n; i++) (optimizer.paramGroups[i] as Record<string, unknown>)[key] = values[i];
}

/** The groups' current learning rates. */
export function groupLrs(optimizer: SchedulerOptimizer): number[] {
  return optimizer.paramGroups.map((g) => g.lr);
}

/**
 * Reads a scheduler state dict entry by entry, checking each, so that `loadStateDict` can
 * check everything before it changes anything. Messages name the entry:
 * `Expected an integer >= 0 for StepLR state last_epoch but received -3`.
 * For custom schedulers' `readOptions` (see {@link LRScheduler}).
 *
 * @example
 * ```ts
 * const r = new StateReader({ last_epoch: 3, gammas: [0.5, 0.1], mode: 'min' }, 'MyScheduler');
 * console.log(r.integer('last_epoch', { min: 0 }), r.numbers('gammas', 2), r.oneOf('mode', ['min', 'max'])); // 3 [0.5, 0.1] min
 * try {
 *   new StateReader({ last_epoch: -3 }, 'MyScheduler').integer('last_epoch', { min: 0 });
 * } catch (e) {
 *   console.log((e as Error).message); // Expected an integer >= 0 for MyScheduler state last_epoch but received -3
 * }
 * ```
 */
export class StateReader {
  private readonly sd: Record<string, unknown>;

  constructor(
    stateDict: unknown,
    private readonly owner: string,
  ) {
    if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
      throw new TypeError(`${owner}.loadStateDict: expected a state dict object but received ${String(stateDict)}`);
    }
    this.sd = stateDict as Record<string, unknown>;
  }

  private where(key: string): string {
    return `${this.owner} state ${key}`;
  }

  /** The entry `key` as it is; throws a RangeError when the state dict has none. */
  raw(key: string): unknown {
    if (!(key in this.sd)) throw new RangeError(`${this.owner}.loadStateDict: the state dict has no ${key}`);
    return this.sd[key];
  }

  /** The entry `key`: a finite number in `interval` (`{ min, max, minOpen, maxOpen }`, all optional). */
  number(key: string, interval: check.Interval = {}): number {
    return check.number(this.where(key), this.raw(key), interval);
  }

  /** The entry `key`: an integer in `interval` (`{ min, max, minOpen, maxOpen }`, all optional). */
  integer(key: string, interval: check.Interval = {}): number {
    return check.integer(this.where(key), this.raw(key), interval);
  }

  /** The entry `key`: a boolean. */
  boolean(key: string): boolean {
    return check.boolean(this.where(key), this.raw(key));
  }

  /** The entry `key`: one of the strings `choices`. */
  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    return check.oneOf(this.where(key), this.raw(key), choices);
  }

  /** A finite number or null. */
  numberOrNull(key: string): number | null {
    const v = this.raw(key);
    return v === null ? null : check.number(this.where(key), v);
  }

  /** A list of `length` finite numbers (any length when omitted). */
  numbers(key: string, length?: number, interval: check.Interval = {}): number[] {
    const v = this.raw(key);
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
      throw check.invalidParameterError(this.where(key), `a list of ${length ?? 'any number of'} finite numbers`, v);
    }
    return v.map((x, i) => check.number(`${this.where(key)}[${i}]`, x, interval));
  }

  /** A list of state dicts of nested schedulers, `length` of them. */
  list(key: string, length: number): unknown[] {
    const v = this.raw(key);
    if (!Array.isArray(v) || v.length !== length) {
      throw check.invalidParameterError(this.where(key), `a list of ${length} state dicts`, v);
    }
    return v;
  }
}

/**
 * What every scheduler but ReduceLROnPlateau has in common, and what SequentialLR and
 * ChainedScheduler compose: `step()`, `getLastLr()`, `stateDict()` / `loadStateDict()`, and the two
 * ways a composite starts a scheduler over.
 *
 * @example
 * ```ts
 * // Any scheduler but ReduceLROnPlateau saves and restores the same way.
 * function save(scheduler: Scheduler): string {
 *   return JSON.stringify(scheduler.stateDict());
 * }
 * const optimizer = new SGD([new Parameter(4)], { lr: 0.1 });
 * const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
 * for (let epoch = 0; epoch < 5; epoch++) scheduler.step();
 * const saved = save(scheduler);
 *
 * const optimizer2 = new SGD([new Parameter(4)], { lr: 0.1 });
 * const resumed = new StepLR(optimizer2, { stepSize: 2, gamma: 0.5 });
 * resumed.loadStateDict(JSON.parse(saved));
 * console.log(resumed.getLastLr(), optimizer2.paramGroups[0].lr); // [0.025] 0.025
 * ```
 */
export abstract class Scheduler {
  /** The optimizer whose param groups this scheduler writes. */
  abstract readonly optimizer: SchedulerOptimizer;
  /** The learning rates last written, one per group (`getLastLr()` returns a copy; PyTorch's `_last_lr`). */
  protected lastLr: number[] = [];

  /** Advances one epoch (or batch, for the per-batch schedulers) and writes the new learning rates. */
  abstract step(): void;

  /** The learning rates this scheduler last wrote, one per param group (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state as plain JSON data, PyTorch's attribute names as keys (user functions are not saved). */
  abstract stateDict(): SchedulerStateDict;

  /**
   * Checks a state dict from `stateDict()` and returns the function that commits it; nothing
   * changes until that is called. Composites check all their children before committing any.
   */
  abstract prepareLoad(stateDict: SchedulerStateDict): () => void;

  /**
   * Restores `stateDict()`'s result, all or nothing: the schedule's position and options, and
   * the learning rates (and cycled momentum) it had written into the optimizer's groups.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this.prepareLoad(stateDict)();
  }

  /**
   * Starts over at epoch 0 the way SequentialLR does at a milestone (PyTorch's `step(0)`): the
   * closed form at epoch 0 where the scheduler has one, its recursive form otherwise.
   */
  abstract restart(): void;

  /** Repeats the constructor's first step (epoch 0) from the groups' current learning rates. */
  abstract initialStep(): void;
}

/**
 * The base of the epoch-driven schedulers (PyTorch's `LRScheduler`): `lastEpoch` counts the
 * steps, `baseLrs` are the groups' `initialLr`, and `computeLr()` gives the next learning
 * rates in PyTorch's chainable (recursive) form, so several schedulers can act on the same
 * groups one after another (ChainedScheduler).
 *
 * Subclasses call `this.initialStep()` at the end of their constructor.
 *
 * @example
 * ```ts
 * // halve the learning rate every `every` epochs (StepLR with gamma 0.5)
 * class Halving extends LRScheduler {
 *   constructor(optimizer: SchedulerOptimizer, public every: number) {
 *     super(optimizer, 'Halving');
 *     this.initialStep();
 *   }
 *   protected computeLr() {
 *     const lrs = this.optimizer.paramGroups.map((g) => g.lr);
 *     return this.lastEpoch > 0 && this.lastEpoch % this.every === 0 ? lrs.map((lr) => lr / 2) : lrs;
 *   }
 *   protected options() { return { every: this.every }; }
 *   protected readOptions(r: StateReader) {
 *     const every = r.integer('every', { min: 1 });
 *     return () => { this.every = every; };
 *   }
 * }
 *
 * const optimizer = new SGD([new Parameter(4)], { lr: 0.1 });
 * const scheduler = new Halving(optimizer, 2);
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   optimizer.step();
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [0.025]: halved at epochs 2 and 4
 * console.log(scheduler.stateDict()); // { every: 2, last_epoch: 4, base_lrs: [0.1], _last_lr: [0.025] }
 * ```
 */
export abstract class LRScheduler extends Scheduler {
  /** The optimizer whose param groups this scheduler writes. */
  readonly optimizer: SchedulerOptimizer;
  /** The learning rates the schedule starts from: the groups' `initialLr`. */
  baseLrs: number[];
  /** Steps taken: 0 after construction, +1 per `step()` (PyTorch's `last_epoch`). */
  lastEpoch = -1;

  /**
   * Gives each group an `initialLr` (the first scheduler attached to an optimizer does) and
   * takes `baseLrs` from them; `name` is the class name used in messages.
   */
  protected constructor(
    optimizer: SchedulerOptimizer,
    /** The scheduler's class name (PyTorch's), used in messages. */
    readonly name: string,
  ) {
    super();
    checkOptimizer(optimizer, name);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (typeof g.initialLr !== 'number') g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** The learning rates at `lastEpoch` (just incremented), recursive where PyTorch's are. */
  protected abstract computeLr(): number[];

  /** The learning rates at `lastEpoch` in closed form, where PyTorch has one (`_get_closed_form_lr`). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Writes the learning rates and remembers them. */
  protected apply(values: readonly number[]): void {
    writeGroups(this.optimizer, values);
    this.lastLr = groupLrs(this.optimizer);
  }

  step(): void {
    this.lastEpoch += 1;
    this.apply(this.computeLr());
  }

  restart(): void {
    this.lastEpoch = 0;
    this.apply(this.closedFormLr() ?? this.computeLr());
  }

  initialStep(): void {
    this.lastEpoch = -1;
    this.step();
  }

  /** The options a subclass saves (PyTorch's attribute names), beside `last_epoch`, `base_lrs` and `_last_lr`. */
  protected abstract options(): SchedulerStateDict;

  /** Reads the subclass's options back from a state dict; returns their commit. */
  protected abstract readOptions(r: StateReader): () => void;

  stateDict(): SchedulerStateDict {
    return { ...this.options(), last_epoch: this.lastEpoch, base_lrs: [...this.baseLrs], _last_lr: [...this.lastLr] };
  }

  prepareLoad(stateDict: SchedulerStateDict): () => void {
    const r = new StateReader(stateDict, this.name);
    const n = this.optimizer.paramGroups.length;
    const lastEpoch = r.integer('last_epoch', { min: 0 });
    const baseLrs = r.numbers('base_lrs', n);
    const lastLr = r.numbers('_last_lr', n);
    const commitOptions = this.readOptions(r);
    return () => {
      commitOptions();
      this.lastEpoch = lastEpoch;
      this.baseLrs = baseLrs;
      this.apply(lastLr);
    };
  }
}
