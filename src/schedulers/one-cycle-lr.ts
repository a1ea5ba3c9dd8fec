import * as check from '../validate.js';
import { MomentumCycle, momentumKey } from './momentum.js';
import { LRScheduler, StateReader, type SchedulerOptimizer, type SchedulerStateDict } from './scheduler.js';

/** OneCycleLR's options: PyTorch's names in camelCase, with its defaults. */
export interface OneCycleLROptions {
  /** The peak learning rate, one for all groups or one per group. Required. */
  maxLr: number | number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number | null;
  /** With `stepsPerEpoch`, the steps in the cycle when `totalSteps` is not given (`epochs * stepsPerEpoch`). */
  epochs?: number | null;
  /** With `epochs`, the steps in the cycle when `totalSteps` is not given. */
  stepsPerEpoch?: number | null;
  /** Fraction of the cycle spent increasing the learning rate, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** 'cos' or 'linear' annealing between the phase ends. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (or Adam's first beta) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** The momentum at the learning rate's peak. Default 0.85. */
  baseMomentum?: number | number[];
  /** The momentum at the start and the end. Default 0.95. */
  maxMomentum?: number | number[];
  /** The initial learning rate is `maxLr / divFactor`. Default 25. */
  divFactor?: number;
  /** The final learning rate is `initialLr / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then down to the final lr), as in the paper, instead of fastai's two. Default false. */
  threePhase?: boolean;
}

/** A phase of the cycle: where it ends and which bounds it anneals between (PyTorch's `_schedule_phases`). */
interface Phase {
  end_step: number;
  start_lr: LrBound;
  end_lr: LrBound;
  start_momentum: MomentumBound;
  end_momentum: MomentumBound;
}
type LrBound = 'initial_lr' | 'max_lr' | 'min_lr';
type MomentumBound = 'max_momentum' | 'base_momentum';

function phases(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  const up = pctStart * totalSteps - 1;
  const list: Phase[] = threePhase
    ? [
        { end_step: up, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: 2 * pctStart * totalSteps - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        { end_step: totalSteps - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
      ]
    : [
        { end_step: up, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
        { end_step: totalSteps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
      ];
  // PyTorch divides by each phase's length: an empty or reversed phase is refused here.
  list.reduce((start, p) => {
    if (!(p.end_step > start)) {
      throw new RangeError(`OneCycleLR: pctStart ${pctStart} leaves an empty phase in ${totalSteps} steps${threePhase ? ' (three phases)' : ''}`);
    }
    return p.end_step;
  }, 0);
  return list;
}

/**
 * The 1cycle policy, as PyTorch's `torch.optim.lr_scheduler.OneCycleLR`: each group's learning
 * rate rises from `maxLr / divFactor` to `maxLr` over the first `pctStart` of `totalSteps`,
 * then falls to `maxLr / (divFactor * finalDivFactor)` (with `threePhase`, first back to the
 * initial lr, then to the final one), cosine or linear between the ends; the momentum moves
 * the opposite way between `maxMomentum` and `baseMomentum`. Step it after every batch; a
 * step past `totalSteps` throws.
 * ```text
 * in a phase from step a to b:  pct = (step - a) / (b - a)
 * cos:     v = end + (start - end) / 2 * (1 + cos(pi * pct));   linear: v = start + (end - start) * pct
 * ```
 * The momentum goes to `momentum` (SGD, RMSprop) or to `betas[0]` (Adam family). Each group
 * gets PyTorch's keys `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`), so
 * optimizer state dicts have PyTorch's `initial_lr`, `max_lr`, ...; the schedule itself reads
 * its own copies, saved in its state dict.
 * Reference: Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks Using
 * Large Learning Rates" (2017).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const opt = new AdamW([w], { lr: 1e-3 });
 * const batches = 20;
 * const scheduler = new OneCycleLR(opt, { maxLr: 3e-3, epochs: 10, stepsPerEpoch: batches });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (let batch = 0; batch < batches; batch++) {
 *     lrs.push(scheduler.getLastLr()[0]);
 *     opt.step();          // one batch: backward, then opt.step()
 *     scheduler.step();    // after every batch, 200 steps in all
 *   }
 * }
 * console.log(lrs[0].toPrecision(2), Math.max(...lrs), lrs[199].toExponential(1)); // 0.00012 0.003 1.2e-8: maxLr / 25, maxLr, maxLr / 25 / 1e4
 * console.log(opt.paramGroups[0].betas[0].toFixed(3)); // 0.950: beta1 went down to 0.85 at the peak and back up to maxMomentum
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle; stepping past them throws. */
  totalSteps: number;
  /** The peak learning rate of each group. */
  maxLrs: number[];
  /** The final learning rate of each group: `initialLr / finalDivFactor`. */
  minLrs: number[];
  /** How the learning rate moves within a phase. */
  annealStrategy: 'cos' | 'linear';
  /** @internal The phases: their end steps and which bounds they move between. */
  schedulePhases: Phase[];
  /** @internal Where and between which bounds the momentum cycles; null without cycleMomentum. */
  momentum: MomentumCycle | null;

  constructor(optimizer: SchedulerOptimizer, options: OneCycleLROptions) {
    super(optimizer, 'OneCycleLR');
    const n = optimizer.paramGroups.length;
    if (options?.totalSteps != null) {
      this.totalSteps = check.integer('totalSteps', options.totalSteps, { min: 1 });
    } else if (options?.epochs != null && options.stepsPerEpoch != null) {
      this.totalSteps = check.integer('epochs', options.epochs, { min: 1 }) * check.integer('stepsPerEpoch', options.stepsPerEpoch, { min: 1 });
    } else {
      throw new TypeError('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
    }
    const pctStart = check.number('pctStart', options.pctStart ?? 0.3, { min: 0, max: 1 });
    this.schedulePhases = phases(this.totalSteps, pctStart, check.boolean('threePhase', options.threePhase ?? false));
    this.annealStrategy = check.oneOf('annealStrategy', options.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
    this.maxLrs = check.perGroup('maxLr', options.maxLr, n, { min: 0 });
    const divFactor = check.number('divFactor', options.divFactor ?? 25, { min: 0, minOpen: true });
    const finalDivFactor = check.number('finalDivFactor', options.finalDivFactor ?? 1e4, { min: 0, minOpen: true });
    this.baseLrs = this.maxLrs.map((m) => m / divFactor);
    this.minLrs = this.baseLrs.map((b) => b / finalDivFactor);
    this.momentum = null;
    if (check.boolean('cycleMomentum', options.cycleMomentum ?? true)) {
      const key = momentumKey(optimizer, this.name);
      const max = check.perGroup('maxMomentum', options.maxMomentum ?? 0.95, n, { min: 0 });
      const base = check.perGroup('baseMomentum', options.baseMomentum ?? 0.85, n, { min: 0 });
      this.momentum = new MomentumCycle(optimizer, key, base, max);
    }
    optimizer.paramGroups.forEach((g, i) => {
      Object.assign(g, { initialLr: this.baseLrs[i], maxLr: this.maxLrs[i], minLr: this.minLrs[i] });
      if (this.momentum) Object.assign(g, { maxMomentum: this.momentum.max[i], baseMomentum: this.momentum.base[i] });
    });
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new RangeError(`OneCycleLR: step ${this.lastEpoch + 1} is past totalSteps (${this.totalSteps})`);
    }
    super.step();
  }

  protected computeLr(): number[] {
    const stepNum = this.lastEpoch;
    const m = this.momentum;
    const lrs: number[] = [];
    const momenta: number[] = [];
    this.baseLrs.forEach((_, i) => {
      const lrBound = { initial_lr: this.baseLrs[i], max_lr: this.maxLrs[i], min_lr: this.minLrs[i] };
      let start = 0;
      for (const [k, phase] of this.schedulePhases.entries()) {
        if (stepNum <= phase.end_step || k === this.schedulePhases.length - 1) {
          const pct = (stepNum - start) / (phase.end_step - start);
          lrs.push(this.anneal(lrBound[phase.start_lr], lrBound[phase.end_lr], pct));
          if (m) {
            const mBound = { max_momentum: m.max[i], base_momentum: m.base[i] };
            momenta.push(this.anneal(mBound[phase.start_momentum], mBound[phase.end_momentum], pct));
          }
          break;
        }
        start = phase.end_step;
      }
    });
    if (m) m.write(momenta);
    return lrs;
  }

  protected options(): SchedulerStateDict {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.schedulePhases.map((p) => ({ ...p })),
      _anneal_func_type: this.annealStrategy,
      max_lrs: [...this.maxLrs],
      min_lrs: [...this.minLrs],
      ...MomentumCycle.stateOf(this.momentum),
    };
  }

  protected readOptions(r: StateReader): () => void {
    const n = this.optimizer.paramGroups.length;
    const totalSteps = r.integer('total_steps', { min: 1 });
    const list = r.raw('_schedule_phases');
    const lrBounds: readonly LrBound[] = ['initial_lr', 'max_lr', 'min_lr'];
    const mBounds: readonly MomentumBound[] = ['max_momentum', 'base_momentum'];
    if (!Array.isArray(list) || (list.length !== 2 && list.length !== 3)) {
      throw check.invalidParameterError('OneCycleLR state _schedule_phases', 'a list of 2 or 3 phases', list);
    }
    const schedulePhases = list.map((p, i) => {
      const pr = new StateReader(p, `OneCycleLR state _schedule_phases[${i}]`);
      return {
        end_step: pr.number('end_step'),
        start_lr: pr.oneOf('start_lr', lrBounds),
        end_lr: pr.oneOf('end_lr', lrBounds),
        start_momentum: pr.oneOf('start_momentum', mBounds),
        end_momentum: pr.oneOf('end_momentum', mBounds),
      };
    });
    const annealStrategy = r.oneOf('_anneal_func_type', ['cos', 'linear'] as const);
    const maxLrs = r.numbers('max_lrs', n);
    const minLrs = r.numbers('min_lrs', n);
    const { cycle, commit } = MomentumCycle.read(r, this.optimizer, this.name);
    return () => {
      Object.assign(this, { totalSteps, schedulePhases, annealStrategy, maxLrs, minLrs, momentum: cycle });
      commit();
    };
  }
}
