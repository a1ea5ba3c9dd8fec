import * as check from '../validate.js';
import type { Schedule } from './schedule.js';

/**
 * Joins schedules one after another (optax's `join_schedules`): before `boundaries[0]` the
 * first schedule, from `boundaries[i - 1]` on the i-th, each called with the steps since its
 * own boundary (so each starts at its step 0).
 * ```text
 * v(t) = schedules[i](t - boundaries[i - 1])   for boundaries[i - 1] <= t < boundaries[i]
 * ```
 *
 * @example
 * ```ts
 * // 500 steps of linear warmup to 1e-3, then cosine decay to 0 over 9500 steps
 * const lr = joinSchedules(
 *   [linearSchedule({ initValue: 0, endValue: 1e-3, transitionSteps: 500 }), cosineDecaySchedule({ initValue: 1e-3, decaySteps: 9500 })],
 *   [500],
 * );
 * ```
 */
export function joinSchedules(schedules: Schedule[], boundaries: number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'function')) {
    throw check.invalidParameterError('schedules', 'a non-empty list of schedule functions', schedules);
  }
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw check.invalidParameterError('boundaries', `a list of ${schedules.length - 1} boundaries (one fewer than the schedules)`, boundaries);
  }
  const bounds = boundaries.map((b, i) => check.number(`boundaries[${i}]`, b, { min: i === 0 ? 0 : boundaries[i - 1] }));
  const list = [...schedules];
  return (step) => {
    let i = 0;
    while (i < bounds.length && step >= bounds[i]) i++;
    return list[i](i === 0 ? step : step - bounds[i - 1]);
  };
}
