import * as check from '../validate.js';
import { warmupCosineDecaySchedule, type WarmupCosineDecayOptions } from './cosine.js';
import { joinSchedules } from './join.js';
import type { Schedule } from './schedule.js';

/**
 * SGD with warm restarts as joined cycles of warmup + cosine decay (optax's `sgdr_schedule`):
 * cycle i lasts `cycles[i].decaySteps` steps and starts at step 0 of its own schedule.
 * Reference: Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (ICLR 2017).
 *
 * @example
 * ```ts
 * // three cycles of 1000, 2000 and 4000 steps, each restarting at a lower peak
 * const lr = sgdrSchedule([1000, 2000, 4000].map((decaySteps, i) => ({
 *   initValue: 0, peakValue: 1e-3 / 2 ** i, warmupSteps: 100, decaySteps,
 * })));
 * ```
 */
export function sgdrSchedule(cycles: WarmupCosineDecayOptions[]): Schedule {
  if (!Array.isArray(cycles) || cycles.length === 0) throw check.invalidParameterError('cycles', 'a non-empty list of warmup cosine decay options', cycles);
  const boundaries: number[] = [];
  let step = 0;
  for (const c of cycles) {
    step += c.decaySteps;
    boundaries.push(step);
  }
  return joinSchedules(
    cycles.map((c) => warmupCosineDecaySchedule(c)),
    boundaries.slice(0, -1),
  );
}
