import * as check from '../validate.js';
import { joinSchedules } from './join.js';
import { linearSchedule } from './polynomial.js';
import type { Schedule } from './schedule.js';

/** `cosineDecaySchedule`'s options (optax's names in camelCase). */
export interface CosineDecayOptions {
  /** The value at step 0. */
  initValue: number;
  /** Steps of the decay (an integer >= 1); the value stays at its end after them. */
  decaySteps: number;
  /** The end value as a fraction of `initValue`. Default 0. */
  alpha?: number;
  /** The power of the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Cosine decay (optax's `cosine_decay_schedule`; SGDR's annealing):
 * ```text
 * c = (1 + cos(pi * min(t, decaySteps) / decaySteps)) / 2
 * v = initValue * ((1 - alpha) * c^exponent + alpha)
 * ```
 * Reference: Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (ICLR 2017).
 *
 * @example
 * ```ts
 * const lr = cosineDecaySchedule({ initValue: 1e-3, decaySteps: 10_000, alpha: 0.01 });
 * ```
 */
export function cosineDecaySchedule(options: CosineDecayOptions): Schedule {
  const init = check.number('initValue', options?.initValue);
  const steps = check.integer('decaySteps', options.decaySteps, { min: 1 });
  const alpha = check.number('alpha', options.alpha ?? 0);
  const exponent = check.number('exponent', options.exponent ?? 1);
  return (step) => {
    const t = Math.min(step, steps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / steps));
    return init * ((1 - alpha) * cosine ** exponent + alpha);
  };
}

/** `warmupCosineDecaySchedule`'s options (optax's names in camelCase). */
export interface WarmupCosineDecayOptions {
  /** The value at step 0. */
  initValue: number;
  /** The value at the end of the warmup. */
  peakValue: number;
  /** Steps of linear warmup (an integer >= 0). */
  warmupSteps: number;
  /** Steps of the whole schedule, warmup included (> warmupSteps). */
  decaySteps: number;
  /** The value at `decaySteps` and after. Default 0. */
  endValue?: number;
  /** The power of the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Linear warmup from `initValue` to `peakValue` over `warmupSteps`, then cosine decay to
 * `endValue` at `decaySteps` (optax's `warmup_cosine_decay_schedule`):
 * ```text
 * t < warmupSteps:  v = initValue + (peakValue - initValue) * t / warmupSteps
 * otherwise:        v = cosineDecay(peakValue, decaySteps - warmupSteps, alpha = endValue / peakValue)(t - warmupSteps)
 * ```
 *
 * @example
 * ```ts
 * const lr = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 500, decaySteps: 10_000, endValue: 1e-5 });
 * ```
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayOptions): Schedule {
  const init = check.number('initValue', options?.initValue);
  const peak = check.number('peakValue', options.peakValue);
  const warmup = check.integer('warmupSteps', options.warmupSteps, { min: 0 });
  const total = check.integer('decaySteps', options.decaySteps, { min: warmup + 1 });
  const end = check.number('endValue', options.endValue ?? 0);
  return joinSchedules(
    [
      linearSchedule({ initValue: init, endValue: peak, transitionSteps: warmup }),
      cosineDecaySchedule({ initValue: peak, decaySteps: total - warmup, alpha: peak === 0 ? 0 : end / peak, exponent: options.exponent ?? 1 }),
    ],
    [warmup],
  );
}
