import * as check from '../validate.js';
import type { Schedule } from './schedule.js';

/** `exponentialDecay`'s options (optax's names in camelCase). */
export interface ExponentialDecayOptions {
  /** The value up to `transitionBegin`. */
  initValue: number;
  /** Steps per factor of `decayRate` (an integer >= 1). */
  transitionSteps: number;
  /** The factor per `transitionSteps` steps (> 0). */
  decayRate: number;
  /** Steps before the decay starts (an integer >= 0). Default 0. */
  transitionBegin?: number;
  /** Decay in whole steps of `transitionSteps` instead of continuously. Default false. */
  staircase?: boolean;
  /** A bound the decay stops at: a lower bound when `decayRate < 1`, an upper one otherwise. Default none. */
  endValue?: number;
}

/**
 * Exponential decay (optax's `exponential_decay`):
 * ```text
 * p = (t - transitionBegin) / transitionSteps        (floor(p) with staircase)
 * v = t <= transitionBegin ? initValue : initValue * decayRate^p, then clipped at endValue
 * ```
 * Unlike optax, which then returns a constant schedule, `transitionSteps` 0 and `decayRate` 0
 * are refused.
 *
 * @example
 * ```ts
 * const lr = exponentialDecay({ initValue: 0.1, transitionSteps: 1000, decayRate: 0.5, staircase: true });
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const init = check.number('initValue', options?.initValue);
  const steps = check.integer('transitionSteps', options.transitionSteps, { min: 1 });
  const rate = check.number('decayRate', options.decayRate, { min: 0, minOpen: true });
  const begin = check.integer('transitionBegin', options.transitionBegin ?? 0, { min: 0 });
  const staircase = check.boolean('staircase', options.staircase ?? false);
  const end = options.endValue === undefined ? undefined : check.number('endValue', options.endValue);
  return (step) => {
    const decreased = step - begin;
    const p = staircase ? Math.floor(decreased / steps) : decreased / steps;
    const v = decreased <= 0 ? init : init * rate ** p;
    if (end === undefined) return v;
    return rate < 1 ? Math.max(v, end) : Math.min(v, end);
  };
}
