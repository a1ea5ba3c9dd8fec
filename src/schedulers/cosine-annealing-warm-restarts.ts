import * as check from '../validate.js';
import { LRScheduler, type SchedulerOptimizer, type SchedulerStateDict, type StateReader } from './scheduler.js';

/** CosineAnnealingWarmRestarts's options: PyTorch's `T_0`, `T_mult` and `eta_min` as `t0`, `tMult` and `etaMin`. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (an integer >= 1). Required. */
  t0: number;
  /** Factor by which each period is longer than the previous one (an integer >= 1). Default 1. */
  tMult?: number;
  /** The learning rate at the end of each period. Default 0. */
  etaMin?: number;
}

/**
 * SGDR: cosine annealing from each group's `initialLr` to `etaMin` over periods of `t0`,
 * `t0 * tMult`, `t0 * tMult^2`, ... epochs, restarting at `initialLr` after each, as PyTorch's
 * `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`:
 * ```text
 * lr = etaMin + (initialLr - etaMin) * (1 + cos(pi * tCur / tI)) / 2
 * ```
 * where `tCur` is the (possibly fractional) epochs since the last restart and `tI` the current
 * period. `step()` advances one epoch; `step(epoch)` jumps to any epoch, fractional ones
 * included (`step(epoch + batch / batches)` anneals within epochs), and later `step()` calls
 * continue from there.
 * Reference: Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (ICLR 2017).
 *
 * @example
 * ```ts
 * const w = new Parameter(4);
 * const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * // periods of 10, 20, 40 epochs: restarts at epochs 10 and 30
 * const scheduler = new CosineAnnealingWarmRestarts(optimizer, { t0: 10, tMult: 2 });
 * const batches = 4;
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 70; epoch++) {
 *   for (let b = 0; b < batches; b++) {
 *     optimizer.step();                        // one batch
 *     scheduler.step(epoch + (b + 1) / batches); // anneal within the epoch
 *   }
 *   lrs.push(scheduler.getLastLr()[0]);
 * }
 * console.log(lrs[8].toFixed(4), lrs[9], lrs[19].toFixed(4)); // 0.0024 0.1 0.0500: near etaMin, the restart after 10 epochs, halfway through the second period
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs of the first period. */
  t0: number;
  /** Factor by which each period is longer than the previous. */
  tMult: number;
  /** The learning rate at the end of each period. */
  etaMin: number;
  /** The current period. */
  tI: number;
  /** Epochs since the last restart. */
  tCur: number;

  constructor(optimizer: SchedulerOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    this.t0 = check.integer('t0', options?.t0, { min: 1 });
    this.tMult = check.integer('tMult', options.tMult ?? 1, { min: 1 });
    this.etaMin = check.number('etaMin', options.etaMin ?? 0);
    this.tI = this.t0;
    this.tCur = -1;
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** Advances one epoch, or jumps to `epoch` (a finite number >= 0, fractional allowed). */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      check.number('epoch', epoch, { min: 0 });
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          // The restart index n with t0 (tMult^n - 1) / (tMult - 1) <= epoch.
          const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.apply(this.computeLr());
  }

  override restart(): void {
    this.step(0);
  }

  protected options(): SchedulerStateDict {
    return { T_0: this.t0, T_i: this.tI, T_mult: this.tMult, eta_min: this.etaMin, T_cur: this.tCur };
  }

  protected readOptions(r: StateReader): () => void {
    const t0 = r.integer('T_0', { min: 1 });
    const tI = r.integer('T_i', { min: 1 });
    const tMult = r.integer('T_mult', { min: 1 });
    const etaMin = r.number('eta_min');
    const tCur = r.number('T_cur', { min: 0 });
    return () => {
      Object.assign(this, { t0, tI, tMult, etaMin, tCur });
    };
  }
}
