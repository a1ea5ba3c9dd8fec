/**
 * Skip an optimizer step when a gradient holds NaN or Inf (optax's `apply_if_finite`,
 * PyTorch's GradScaler skip), and say so.
 */
import { kernels } from '../backend.js';
import type { Closure, Optimizer } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';

/** `SkipNonFinite`'s options. */
export interface SkipNonFiniteOptions {
  /** Throw once this many steps in a row have been skipped (the run has diverged). Default Infinity. */
  maxConsecutiveSkips?: number;
}

/** What `SkipNonFinite.step()` did. */
export interface GuardedStep {
  /** Whether the optimizer stepped. */
  stepped: boolean;
  /** Why the step was skipped (null when it was not). */
  reason: string | null;
  /** The closure's loss, when a closure was given and the optimizer stepped. */
  loss?: number;
}

/** `SkipNonFinite.step()`'s options. */
export interface GuardedStepOptions {
  /**
   * The total norm (p = 1, 2 or Infinity) of this step's gradients, as returned by
   * `clipGradNorm` or `getTotalNorm` over the same parameters: it is finite exactly when every
   * gradient element is, so the guard trusts it and makes no pass of its own.
   */
  gradNorm?: number;
  /** Passed to the optimizer's `step`. */
  closure?: Closure;
}

/**
 * Wraps an optimizer so that a step whose gradients hold NaN or Inf is skipped: parameters and
 * optimizer state stay as they were, and the result says which gradient was at fault.
 *
 * The check costs one read of the gradients, unless the step is given the gradient norm that
 * gradient clipping already computed (`{ gradNorm }`), which answers the same question.
 *
 * @example
 * ```ts
 * const w = new Parameter(3);
 * const guard = new SkipNonFinite(new AdamW([w], { lr: 1e-3 }), { maxConsecutiveSkips: 10 });
 * w.grad!.set([0.1, NaN, 0.3]);                 // an overflow in the backward pass
 * const gradNorm = clipGradNorm([w], 1.0);      // NaN: clipping measured it already
 * const { stepped, reason } = guard.step({ gradNorm });
 * console.log(stepped, w.data[0]);              // false 0: nothing changed
 * if (!stepped) console.log(`skipped: ${reason}`);
 * w.grad!.set([0.1, 0.2, 0.3]);
 * console.log(guard.step().stepped, guard.skippedSteps); // true 1
 * ```
 */
export class SkipNonFinite<O extends object = object> {
  /** Steps skipped so far. */
  skippedSteps = 0;
  /** Steps skipped in a row, up to now. */
  consecutiveSkips = 0;
  /** Skips in a row after which `step` throws. */
  readonly maxConsecutiveSkips: number;

  constructor(
    /** The wrapped optimizer. */
    readonly optimizer: Optimizer<O>,
    options: SkipNonFiniteOptions = {},
  ) {
    const max = options.maxConsecutiveSkips ?? Infinity;
    this.maxConsecutiveSkips = max === Infinity ? max : check.number('maxConsecutiveSkips', max, { min: 0 });
  }

  /** Steps the optimizer unless a gradient is non-finite. */
  step(options: GuardedStepOptions = {}): GuardedStep {
    const reason = options.gradNorm === undefined ? this.findNonFinite() : normReason(options.gradNorm);
    if (reason === null) {
      this.consecutiveSkips = 0;
      const loss = this.optimizer.step(options.closure);
      return loss === undefined ? { stepped: true, reason: null } : { stepped: true, reason: null, loss };
    }
    this.skippedSteps++;
    this.consecutiveSkips++;
    if (this.consecutiveSkips > this.maxConsecutiveSkips) {
      throw new Error(`SkipNonFinite: ${this.consecutiveSkips} steps skipped in a row (maxConsecutiveSkips ${this.maxConsecutiveSkips}); last: ${reason}`);
    }
    return { stepped: false, reason };
  }

  /** The first gradient holding NaN or Inf, described, or null when all are finite. */
  private findNonFinite(): string | null {
    const where: string[] = [];
    const grads: Float32Array[] = [];
    this.optimizer.paramGroups.forEach((group, gi) =>
      group.params.forEach((p: ParamLike, i: number) => {
        if (p.grad instanceof Float32Array) {
          grads.push(p.grad);
          where.push(`paramGroups[${gi}].params[${i}]`);
        }
      }),
    );
    if (grads.length === 0) return null;
    // Sums of squares in double: finite exactly when every element is (float32 squares cannot
    // overflow a double sum).
    const out = new Float64Array(grads.length);
    kernels().norms({ tensors: grads, norm_type: 2, out });
    const bad = out.findIndex((v) => !Number.isFinite(v));
    return bad < 0 ? null : `non-finite gradient (NaN or Inf) in ${where[bad]}`;
  }
}

function normReason(norm: number): string | null {
  return Number.isFinite(norm) ? null : `non-finite gradient norm (${norm})`;
}
