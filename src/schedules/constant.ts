import * as check from '../validate.js';
import type { Schedule } from './schedule.js';

/**
 * A schedule that is `value` at every step (optax's `constant_schedule`).
 *
 * @example
 * ```ts
 * const lr = constantSchedule(3e-4);
 * lr(0); // 3e-4
 * lr(1e6); // 3e-4
 * ```
 */
export function constantSchedule(value: number): Schedule {
  check.number('value', value);
  return () => value;
}
