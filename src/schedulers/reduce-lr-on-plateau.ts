import * as check from '../validate.js';
import { StateReader, checkOptimizer, groupLrs, writeGroups, type SchedulerOptimizer, type SchedulerStateDict } from './scheduler.js';

/** ReduceLROnPlateau's options: PyTorch's names in camelCase, with its defaults. */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** The new learning rate is `lr * factor` (in [0, 1)). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated: the learning rate drops at the next one. Default 10. */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than `best * (1 -/+ threshold)`; 'abs': better than `best -/+ threshold`. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted. Default 0. */
  cooldown?: number;
  /** A lower bound on the learning rate, one for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** A reduction smaller than this is not applied. Default 1e-8. */
  eps?: number;
}

/**
 * Reduces the learning rate when a metric has stopped improving, as PyTorch's
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`. Call `step(metric)` once per evaluation:
 * ```text
 * better(a)   = mode min: a < best * (1 - threshold)  (rel) or a < best - threshold  (abs)
 *               mode max: a > best * (1 + threshold)  (rel) or a > best + threshold  (abs)
 * better: best = a, badEpochs = 0;  otherwise badEpochs += 1
 * in cooldown: cooldownCounter -= 1, badEpochs = 0
 * badEpochs > patience: lr = max(lr * factor, minLr) where that lowers lr by more than eps;
 *                       cooldownCounter = cooldown, badEpochs = 0
 * ```
 * `getLastLr()` works before the first step (as PyTorch 2.x). It cannot be composed in
 * SequentialLR or ChainedScheduler (its step needs the metric), as in PyTorch. The state dict
 * saves `best` as null before the first metric (PyTorch's infinity, which JSON cannot hold).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * const scheduler = new ReduceLROnPlateau(optimizer, { mode: 'min', factor: 0.5, patience: 2 });
 * const validationLosses = [1.0, 0.8, 0.7, 0.7, 0.7, 0.7, 0.69, 0.7];
 * for (const loss of validationLosses) {
 *   optimizer.step();       // an epoch of training
 *   scheduler.step(loss);   // after each evaluation
 * }
 * console.log(scheduler.getLastLr()); // [0.05]: halved after three evaluations without improvement
 * ```
 */
export class ReduceLROnPlateau {
  /** The class name, used in messages. */
  readonly name = 'ReduceLROnPlateau';
  /** The optimizer whose param groups this scheduler writes. */
  readonly optimizer: SchedulerOptimizer;
  /** Whether a lower (`min`) or a higher (`max`) metric is better. */
  mode: 'min' | 'max';
  /** Factor of each reduction. */
  factor: number;
  /** Evaluations without improvement tolerated before a reduction. */
  patience: number;
  /** The improvement that counts, relative or absolute (`thresholdMode`). */
  threshold: number;
  /** Whether `threshold` is relative to `best` or absolute. */
  thresholdMode: 'rel' | 'abs';
  /** Evaluations to wait after a reduction before counting again. */
  cooldown: number;
  /** The lowest learning rate of each group. */
  minLrs: number[];
  /** A reduction smaller than this is not applied. */
  eps: number;
  /** The best metric so far (Infinity, or -Infinity in max mode, before the first). */
  best: number;
  /** Consecutive evaluations without improvement. */
  numBadEpochs = 0;
  /** Evaluations left in the current cooldown. */
  cooldownCounter = 0;
  /** Evaluations so far. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulerOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer(optimizer, this.name);
    this.optimizer = optimizer;
    this.mode = check.oneOf('mode', options.mode ?? 'min', ['min', 'max'] as const);
    this.factor = check.number('factor', options.factor ?? 0.1, { min: 0, max: 1, maxOpen: true });
    this.patience = check.integer('patience', options.patience ?? 10, { min: 0 });
    this.threshold = check.number('threshold', options.threshold ?? 1e-4, { min: 0 });
    this.thresholdMode = check.oneOf('thresholdMode', options.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = check.integer('cooldown', options.cooldown ?? 0, { min: 0 });
    this.minLrs = check.perGroup('minLr', options.minLr ?? 0, optimizer.paramGroups.length, { min: 0 });
    this.eps = check.number('eps', options.eps ?? 1e-8, { min: 0 });
    this.best = this.worst();
    this.lastLr = groupLrs(optimizer);
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Whether a cooldown is running (`cooldownCounter > 0`). */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one evaluation of the metric (a NaN counts as no improvement) and reduces the learning rates if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw check.invalidParameterError('metric', 'a number', metric);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groupLrs(this.optimizer);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The learning rates after the last step (the groups' at construction before the first). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Plain JSON data with PyTorch's attribute names; `best` is null before the first metric. */
  stateDict(): SchedulerStateDict {
    return {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: Number.isFinite(this.best) ? this.best : null,
      num_bad_epochs: this.numBadEpochs,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

  /** Restores `stateDict()`'s result, all or nothing, the groups' learning rates included. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const r = new StateReader(stateDict, this.name);
    const n = this.optimizer.paramGroups.length;
    const s = {
      factor: r.number('factor', { min: 0, max: 1, maxOpen: true }),
      minLrs: r.numbers('min_lrs', n, { min: 0 }),
      patience: r.integer('patience', { min: 0 }),
      cooldown: r.integer('cooldown', { min: 0 }),
      cooldownCounter: r.integer('cooldown_counter', { min: 0 }),
      mode: r.oneOf('mode', ['min', 'max'] as const),
      threshold: r.number('threshold', { min: 0 }),
      thresholdMode: r.oneOf('threshold_mode', ['rel', 'abs'] as const),
      numBadEpochs: r.integer('num_bad_epochs', { min: 0 }),
      eps: r.number('eps', { min: 0 }),
      lastEpoch: r.integer('last_epoch', { min: 0 }),
    };
    const best = r.numberOrNull('best');
    const lastLr = r.numbers('_last_lr', n);
    Object.assign(this, s);
    this.best = best ?? this.worst();
    writeGroups(this.optimizer, lastLr);
    this.lastLr = groupLrs(this.optimizer);
  }
}
