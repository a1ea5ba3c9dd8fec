import * as check from '../validate.js';
import { MomentumCycle, momentumKey } from './momentum.js';
import { LRScheduler, checkOptimizer, writeGroups, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** CyclicLR's built-in amplitude policies. */
export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';

/** CyclicLR's options: PyTorch's names in camelCase, with its defaults. */
export interface CyclicLROptions {
  /** The lower learning rate of the cycle, one for all groups or one per group. Required. */
  baseLr: number | number[];
  /** The upper learning rate of the cycle (reached only while the amplitude is not scaled down). Required. */
  maxLr: number | number[];
  /** Iterations in the rising half of a cycle (> 0). Default 2000. */
  stepSizeUp?: number;
  /** Iterations in the falling half (> 0). Default: `stepSizeUp`. */
  stepSizeDown?: number | null;
  /** The amplitude policy, ignored when `scaleFn` is given. Default 'triangular'. */
  mode?: CyclicMode;
  /** The base of 'exp_range': the amplitude is scaled by `gamma^iteration`. Default 1. */
  gamma?: number;
  /** A custom amplitude scale, in [0, 1], of the cycle number (1, 2, ...) or of the iteration. Default none. */
  scaleFn?: ((x: number) => number) | null;
  /** What `scaleFn` is a function of: 'cycle' or 'iterations'. Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the momentum (or Adam's first beta) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** The momentum at the learning rate's peak, one for all groups or one per group. Default 0.8. */
  baseMomentum?: number | number[];
  /** The momentum at the cycle's start. Default 0.9. */
  maxMomentum?: number | number[];
}

const MODES: readonly CyclicMode[] = ['triangular', 'triangular2', 'exp_range'];

/**
 * The cyclical learning-rate policy (CLR), as PyTorch's `torch.optim.lr_scheduler.CyclicLR`:
 * each group's learning rate goes from `baseLr` up to `maxLr` in `stepSizeUp` iterations and
 * back in `stepSizeDown`, with the amplitude scaled per cycle or per iteration. Step it after
 * every batch. At iteration `i` (`T = stepSizeUp + stepSizeDown`, `r = stepSizeUp / T`):
 * ```text
 * cycle = floor(1 + i / T);   x = 1 + i / T - cycle
 * s     = x <= r ? x / r : (x - 1) / (r - 1)
 * lr    = baseLr + (maxLr - baseLr) * s * scale(cycle or i)
 * m     = maxMomentum - (maxMomentum - baseMomentum) * s * scale(...)   (cycleMomentum)
 * scale: triangular 1; triangular2 1 / 2^(cycle - 1); exp_range gamma^i; or scaleFn
 * ```
 * The momentum goes to `momentum` (SGD, RMSprop) or to `betas[0]` (Adam, AdamW, ...), as
 * PyTorch 2.x (1.13 refused the Adam family); each group also gets `maxMomentum` and
 * `baseMomentum` keys, as in PyTorch 2.x. A custom `scaleFn` is not part of the state dict.
 * Reference: Smith, "Cyclical Learning Rates for Training Neural Networks" (WACV 2017).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 5, mode: 'triangular2' });
 * const lrs: number[] = [];
 * for (let batch = 0; batch < 20; batch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   opt.step();          // one batch
 *   scheduler.step();    // after every batch
 * }
 * console.log(lrs[5], lrs[10], lrs[15]); // 0.1 0.01 0.055 (to float rounding): the second cycle's peak is halved
 * console.log(opt.paramGroups[0].momentum); // 0.9: momentum cycles the other way, maxMomentum (0.9) at baseLr, baseMomentum (0.8) at maxLr
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** The upper learning rate of each group (`baseLrs` are the lower ones). */
  maxLrs: number[];
  /** Iterations in a cycle: `stepSizeUp + stepSizeDown`. */
  totalSize: number;
  /** The rising part of a cycle: `stepSizeUp / totalSize`. */
  stepRatio: number;
  /** The amplitude policy (ignored when `scaleFnCustom` is set). */
  mode: CyclicMode;
  /** The `exp_range` policy's base: `gamma^iteration`. */
  gamma: number;
  /** Whether the scale function takes the cycle number or the iteration. */
  scaleMode: 'cycle' | 'iterations';
  /** The user's scale function, or null for the `mode` policy. */
  readonly scaleFnCustom: ((x: number) => number) | null;
  /** @internal Where and between which bounds the momentum cycles; null without cycleMomentum. */
  momentum: MomentumCycle | null;

  constructor(optimizer: SchedulerOptimizer, options: CyclicLROptions) {
    super(CyclicLR.startAtBase(optimizer, options), 'CyclicLR');
    const n = optimizer.paramGroups.length;
    this.maxLrs = check.perGroup('maxLr', options.maxLr, n, { min: 0 });
    const up = check.number('stepSizeUp', options.stepSizeUp ?? 2000, { min: 0, minOpen: true });
    const down = options.stepSizeDown == null ? up : check.number('stepSizeDown', options.stepSizeDown, { min: 0, minOpen: true });
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.scaleFnCustom = options.scaleFn ?? null;
    if (this.scaleFnCustom !== null && typeof this.scaleFnCustom !== 'function') {
      throw check.invalidParameterError('scaleFn', 'a function or null', this.scaleFnCustom);
    }
    this.mode = this.scaleFnCustom ? (options.mode ?? 'triangular') : check.oneOf('mode', options.mode ?? 'triangular', MODES);
    this.gamma = check.number('gamma', options.gamma ?? 1);
    this.scaleMode = this.scaleFnCustom
      ? check.oneOf('scaleMode', options.scaleMode ?? 'cycle', ['cycle', 'iterations'] as const)
      : this.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.momentum = null;
    if (check.boolean('cycleMomentum', options.cycleMomentum ?? true)) {
      const key = momentumKey(optimizer, this.name);
      const base = check.perGroup('baseMomentum', options.baseMomentum ?? 0.8, n, { min: 0 });
      const max = check.perGroup('maxMomentum', options.maxMomentum ?? 0.9, n, { min: 0 });
      this.momentum = new MomentumCycle(optimizer, key, base, max);
      optimizer.paramGroups.forEach((g, i) => Object.assign(g, { maxMomentum: max[i], baseMomentum: base[i] }));
    }
    // The cycle's bounds, whatever initialLr the groups had before (PyTorch: from the first step on).
    this.baseLrs = check.perGroup('baseLr', options.baseLr, n, { min: 0 });
    this.initialStep();
  }

  /** Writes baseLr into the groups before the base class reads them (so `initialLr` is baseLr, as in PyTorch). */
  private static startAtBase(optimizer: SchedulerOptimizer, options: CyclicLROptions): SchedulerOptimizer {
    checkOptimizer(optimizer, 'CyclicLR');
    const base = check.perGroup('baseLr', options?.baseLr, optimizer.paramGroups.length, { min: 0 });
    writeGroups(optimizer, base);
    return optimizer;
  }

  /** The amplitude scale at cycle number or iteration `x`. */
  scaleFn(x: number): number {
    if (this.scaleFnCustom) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const s = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : e);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * s * scale);
    const m = this.momentum;
    if (m) m.write(m.max.map((max, i) => max - (max - m.base[i]) * s * scale));
    return lrs;
  }

  protected options(): SchedulerStateDict {
    return {
      max_lrs: [...this.maxLrs],
      total_size: this.totalSize,
      step_ratio: this.stepRatio,
      mode: this.mode,
      gamma: this.gamma,
      scale_mode: this.scaleMode,
      ...MomentumCycle.stateOf(this.momentum),
    };
  }

  protected readOptions(r: StateReader): () => void {
    const n = this.optimizer.paramGroups.length;
    const maxLrs = r.numbers('max_lrs', n);
    const totalSize = r.number('total_size', { min: 0, minOpen: true });
    const stepRatio = r.number('step_ratio', { min: 0, minOpen: true, max: 1, maxOpen: true });
    const mode = r.oneOf('mode', MODES);
    const gamma = r.number('gamma');
    const scaleMode = r.oneOf('scale_mode', ['cycle', 'iterations'] as const);
    const { cycle, commit } = MomentumCycle.read(r, this.optimizer, this.name);
    return () => {
      Object.assign(this, { maxLrs, totalSize, stepRatio, mode, gamma, scaleMode, momentum: cycle });
      commit();
    };
  }
}
