import * as check from '../validate.js';
import type { Schedule } from './schedule.js';

/** Boundaries (steps) and the factor applied at each: `{ 1000: 0.1, 5000: 0.1 }`. */
export type BoundariesAndScales = Record<number, number>;

function sortedBoundaries(value: unknown): [number, number][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw check.invalidParameterError('boundariesAndScales', 'an object of step: scale', value);
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([b, s]): [number, number] => [check.number(`boundariesAndScales key`, Number(b), { min: 0 }), check.number(`boundariesAndScales[${b}]`, s, { min: 0 })])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * A piecewise constant schedule (optax's `piecewise_constant_schedule`): `initValue` times
 * the product of the scales of every boundary already reached.
 * ```text
 * v(t) = initValue * prod(scale_b for boundary b <= t)
 * ```
 *
 * @example
 * ```ts
 * const lr = piecewiseConstantSchedule({ initValue: 0.1, boundariesAndScales: { 30_000: 0.1, 60_000: 0.1 } });
 * lr(45_000); // 0.01
 * ```
 */
export function piecewiseConstantSchedule(options: { initValue: number; boundariesAndScales?: BoundariesAndScales }): Schedule {
  const init = check.number('initValue', options?.initValue);
  const pieces = sortedBoundaries(options.boundariesAndScales ?? {});
  return (step) => {
    let v = init;
    for (const [b, s] of pieces) if (step >= b) v *= s;
    return v;
  };
}

/**
 * A piecewise interpolated schedule (optax's `piecewise_interpolate_schedule`): the values at
 * the boundaries are `initValue` times the running product of the scales, and between two
 * boundaries the schedule moves from one to the next linearly or along a half cosine.
 * ```text
 * values = [initValue, initValue * s_1, initValue * s_1 * s_2, ...] at [0, b_1, b_2, ...]
 * linear: v = a + (b - a) pct;  cosine: v = b + (a - b) (1 + cos(pi pct)) / 2;  constant after the last
 * ```
 *
 * @example
 * ```ts
 * const lr = piecewiseInterpolateSchedule({ interpolateType: 'linear', initValue: 1, boundariesAndScales: { 4: 0.1, 8: 0.01 } });
 * lr(2); // 0.55
 * ```
 */
export function piecewiseInterpolateSchedule(options: {
  interpolateType: 'linear' | 'cosine';
  initValue: number;
  boundariesAndScales?: BoundariesAndScales;
}): Schedule {
  const type = check.oneOf('interpolateType', options?.interpolateType, ['linear', 'cosine'] as const);
  const init = check.number('initValue', options.initValue);
  const pieces = sortedBoundaries(options.boundariesAndScales ?? {});
  const bounds = [0, ...pieces.map(([b]) => b)];
  const values = [init];
  for (const [, s] of pieces) values.push(values[values.length - 1] * s);
  const interpolate = (a: number, b: number, pct: number) =>
    type === 'linear' ? (b - a) * pct + a : b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
  return (step) => {
    const last = bounds.length - 1;
    if (step >= bounds[last]) return values[last];
    for (let k = 0; k < last; k++) {
      if (bounds[k] <= step && step < bounds[k + 1]) {
        return interpolate(values[k], values[k + 1], (step - bounds[k]) / Math.max(bounds[k + 1] - bounds[k], 1));
      }
    }
    return 0; // a negative step, as optax
  };
}
