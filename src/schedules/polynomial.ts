import * as check from '../validate.js';
import type { Schedule } from './schedule.js';

/** `polynomialSchedule`'s options (optax's names in camelCase). */
export interface PolynomialScheduleOptions {
  /** The value up to `transitionBegin`. */
  initValue: number;
  /** The value from `transitionBegin + transitionSteps` on. */
  endValue: number;
  /** The polynomial's power (1 is linear). */
  power: number;
  /** Steps of the transition (an integer >= 0; 0 holds `initValue` forever, as optax). */
  transitionSteps: number;
  /** Steps before the transition starts (an integer >= 0). Default 0. */
  transitionBegin?: number;
}

/**
 * A polynomial transition from `initValue` to `endValue` (optax's `polynomial_schedule`):
 * ```text
 * t' = clip(t - transitionBegin, 0, transitionSteps)
 * v  = (initValue - endValue) * (1 - t' / transitionSteps)^power + endValue
 * ```
 *
 * @example
 * ```ts
 * const lr = polynomialSchedule({ initValue: 1e-2, endValue: 1e-4, power: 2, transitionSteps: 1000 });
 * ```
 */
export function polynomialSchedule(options: PolynomialScheduleOptions): Schedule {
  const init = check.number('initValue', options?.initValue);
  const end = check.number('endValue', options.endValue);
  const power = check.number('power', options.power);
  const steps = check.integer('transitionSteps', options.transitionSteps, { min: 0 });
  const begin = check.integer('transitionBegin', options.transitionBegin ?? 0, { min: 0 });
  if (steps === 0) return () => init;
  return (step) => {
    const t = Math.min(Math.max(step - begin, 0), steps);
    return (init - end) * (1 - t / steps) ** power + end;
  };
}

/** `linearSchedule`'s options. */
export type LinearScheduleOptions = Omit<PolynomialScheduleOptions, 'power'>;

/**
 * A linear transition from `initValue` to `endValue` over `transitionSteps` steps after
 * `transitionBegin` (optax's `linear_schedule`; a polynomial of power 1):
 * ```text
 * v = initValue + (endValue - initValue) * clip(t - transitionBegin, 0, transitionSteps) / transitionSteps
 * ```
 *
 * @example
 * ```ts
 * const warmup = linearSchedule({ initValue: 0, endValue: 1e-3, transitionSteps: 500 });
 * ```
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  return polynomialSchedule({ ...options, power: 1 });
}
