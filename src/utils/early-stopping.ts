/**
 * Early stopping on a validation metric (Keras's `EarlyStopping` callback as a plain object):
 * say when the metric has stopped improving, and keep a copy of the parameters at the best
 * value to put back.
 */
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';

/** `EarlyStopping`'s options: Keras's names in camelCase, with its defaults. */
export interface EarlyStoppingOptions {
  /** 'min': the metric should decrease (a loss); 'max': increase (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** Evaluations without improvement after which to stop (an integer >= 0). Default 0. */
  patience?: number;
  /** A change smaller than this is no improvement (its absolute value is used). Default 0. */
  minDelta?: number;
  /** A value the metric must beat: until it does, the patience keeps running out. Default none. */
  baseline?: number | null;
  /** Evaluations to ignore at the start (a warmup in which no improvement is expected). Default 0. */
  startFromEpoch?: number;
  /** Keep a copy of `params` at the best evaluation, for `restoreBest()`. Default false. */
  restoreBestWeights?: boolean;
  /** The parameters to snapshot (needed with `restoreBestWeights`). */
  params?: Iterable<ParamLike>;
}

/** `EarlyStopping.stateDict()`: counters, the best value (null before any), and the snapshot. */
export interface EarlyStoppingStateDict {
  /** Evaluations seen. */
  epoch: number;
  /** Evaluations since the last improvement. */
  wait: number;
  /** The best metric so far, or null before any. */
  best: number | null;
  /** The evaluation of the best metric. */
  best_epoch: number;
  /** The evaluation at which `step` first returned true, or null. */
  stopped_epoch: number | null;
  /** Copies of the parameters at the best evaluation (with `restoreBestWeights`), or null. */
  best_weights: Float32Array[] | null;
}

/** What `loadStateDict` accepts: `EarlyStoppingStateDict`, buffers possibly as number arrays (JSON). */
export type EarlyStoppingStateDictInput = Omit<EarlyStoppingStateDict, 'best_weights'> & {
  /** Copies of the parameters at the best evaluation, as Float32Arrays or number arrays, or null. */
  best_weights: ArrayLike<number>[] | null;
};

/**
 * Tells a training loop when a validation metric has stopped improving, as Keras's
 * `EarlyStopping`. Call `step(metric)` once per evaluation (epoch `e`, counted from 0); it
 * returns true when training should stop:
 * ```text
 * improved(v, ref) = mode min: v + |minDelta| < ref;   mode max: v - |minDelta| > ref
 * e < startFromEpoch: ignored
 * wait += 1
 * improved(v, best): best = v, bestEpoch = e, snapshot; wait = 0 if no baseline or improved(v, baseline)
 * otherwise: stop when wait >= patience (and e > 0)
 * ```
 * With `restoreBestWeights` it copies `params` at every new best (and at the first evaluation),
 * and `restoreBest()` writes that copy back, as Keras does at the end of training.
 *
 * @example
 * ```ts
 * const w = new Parameter(2);
 * const stopper = new EarlyStopping({ patience: 2, minDelta: 1e-4, restoreBestWeights: true, params: [w] });
 * const validationLosses = [0.9, 0.5, 0.4, 0.45, 0.41, 0.42, 0.3];
 * let epoch = 0;
 * for (; epoch < validationLosses.length; epoch++) {
 *   w.data.fill(epoch);  // stand-in for an epoch of training
 *   if (stopper.step(validationLosses[epoch])) break;
 * }
 * console.log(epoch, stopper.bestEpoch, stopper.best); // 4 2 0.4: stopped two evaluations after the best
 * stopper.restoreBest(); // the parameters of the best validation loss
 * console.log(w.data);   // Float32Array(2) [ 2, 2 ]
 * ```
 */
export class EarlyStopping {
  /** Whether a lower (`min`) or higher (`max`) metric is better. */
  readonly mode: 'min' | 'max';
  /** Evaluations without improvement after which to stop. */
  readonly patience: number;
  /** The smallest change that counts as an improvement (>= 0). */
  readonly minDelta: number;
  /** The value the metric must beat, or null. */
  readonly baseline: number | null;
  /** Evaluations ignored at the start. */
  readonly startFromEpoch: number;
  /** Whether the parameters are snapshotted at each new best. */
  readonly restoreBestWeights: boolean;
  /** The parameters snapshotted and restored. */
  readonly params: ParamLike[];
  /** Evaluations seen. */
  epoch = 0;
  /** Evaluations since the last improvement (over the best and the baseline). */
  wait = 0;
  /** The best metric so far (Infinity, or -Infinity in max mode, before any). */
  best: number;
  /** The evaluation (from 0) of the best metric. */
  bestEpoch = 0;
  /** The evaluation at which `step` first returned true, or null. */
  stoppedEpoch: number | null = null;
  private bestWeights: Float32Array[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.mode = check.oneOf('mode', options.mode ?? 'min', ['min', 'max'] as const);
    this.patience = check.integer('patience', options.patience ?? 0, { min: 0 });
    this.minDelta = Math.abs(check.number('minDelta', options.minDelta ?? 0));
    this.baseline = options.baseline == null ? null : check.number('baseline', options.baseline);
    this.startFromEpoch = check.integer('startFromEpoch', options.startFromEpoch ?? 0, { min: 0 });
    this.restoreBestWeights = check.boolean('restoreBestWeights', options.restoreBestWeights ?? false);
    this.params = options.params ? [...options.params] : [];
    if (this.restoreBestWeights && this.params.length === 0) {
      throw check.invalidParameterError('params', 'the parameters to snapshot (restoreBestWeights is true)', options.params);
    }
    this.best = this.worst();
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `value` improves on `reference` by more than `minDelta`. */
  isImprovement(value: number, reference: number): boolean {
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  /** Whether training should stop (true from the evaluation that ran out of patience on). */
  get shouldStop(): boolean {
    return this.stoppedEpoch !== null;
  }

  /** Records one evaluation of the metric (NaN counts as no improvement); returns true when training should stop. */
  step(metric: number): boolean {
    if (typeof metric !== 'number') throw check.invalidParameterError('metric', 'a number', metric);
    const e = this.epoch++;
    if (e < this.startFromEpoch) return this.shouldStop;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.snapshot();
      this.bestEpoch = e;
    }
    this.wait += 1;
    if (this.isImprovement(metric, this.best)) {
      this.best = metric;
      this.bestEpoch = e;
      if (this.restoreBestWeights) this.snapshot();
      if (this.baseline === null || this.isImprovement(metric, this.baseline)) this.wait = 0;
      return this.shouldStop;
    }
    if (this.wait >= this.patience && e > 0 && this.stoppedEpoch === null) this.stoppedEpoch = e;
    return this.shouldStop;
  }

  private snapshot(): void {
    if (this.bestWeights === null) this.bestWeights = this.params.map((p) => p.data.slice());
    else this.params.forEach((p, i) => this.bestWeights![i].set(p.data));
  }

  /** Writes the snapshot of the best evaluation back into the parameters; false if there is none. */
  restoreBest(): boolean {
    if (this.bestWeights === null) return false;
    this.params.forEach((p, i) => p.data.set(this.bestWeights![i]));
    return true;
  }

  /** The counters, the best value and a copy of the snapshot; JSON-ready once the buffers are arrays. */
  stateDict(): EarlyStoppingStateDict {
    return {
      epoch: this.epoch,
      wait: this.wait,
      best: Number.isFinite(this.best) ? this.best : null,
      best_epoch: this.bestEpoch,
      stopped_epoch: this.stoppedEpoch,
      best_weights: this.bestWeights ? this.bestWeights.map((w) => w.slice()) : null,
    };
  }

  /** Restores `stateDict()`'s result, checking every entry and length first. */
  loadStateDict(sd: EarlyStoppingStateDictInput): void {
    if (typeof sd !== 'object' || sd === null) throw new TypeError('EarlyStopping.loadStateDict: expected a state dict object');
    const epoch = check.integer('epoch', sd.epoch, { min: 0 });
    const wait = check.integer('wait', sd.wait, { min: 0 });
    const best = sd.best === null ? this.worst() : check.number('best', sd.best);
    const bestEpoch = check.integer('best_epoch', sd.best_epoch, { min: 0 });
    const stopped = sd.stopped_epoch === null ? null : check.integer('stopped_epoch', sd.stopped_epoch, { min: 0 });
    let weights: Float32Array[] | null = null;
    if (sd.best_weights !== null) {
      if (!Array.isArray(sd.best_weights) || sd.best_weights.length !== this.params.length) {
        throw new RangeError(`EarlyStopping.loadStateDict: best_weights must hold ${this.params.length} buffers, one per parameter`);
      }
      weights = sd.best_weights.map((w, i) => {
        if (w?.length !== this.params[i].data.length) {
          throw new RangeError(`EarlyStopping.loadStateDict: best_weights[${i}] has ${w?.length} elements but its parameter has ${this.params[i].data.length}`);
        }
        return Float32Array.from(w);
      });
    }
    Object.assign(this, { epoch, wait, best, bestEpoch, stoppedEpoch: stopped, bestWeights: weights });
  }
}
