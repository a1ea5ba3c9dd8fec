/** Element-wise comparisons with a relative tolerance and a floor: |a - b| <= rtol * max(|b|, floor). */
import { expect } from 'vitest';

export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor: number): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
      continue;
    }
    if (a === b) continue; // equal infinities included
    worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), floor));
  }
  return worst;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, floor: number, what = ''): void {
  const err = maxRelativeError(actual, expected, floor);
  if (!(err <= rtol)) {
    throw new Error(`${what}: max relative error ${err.toExponential(3)} exceeds ${rtol} (floor ${floor})`);
  }
}

/** Compares two state dicts: same keys in state and param_groups, tensors within tolerance, scalars equal. */
export function expectStateDictClose(actual: unknown, expected: unknown, rtol: number, floor: number, where = 'stateDict'): void {
  if (expected === null || typeof expected !== 'object') {
    if (typeof expected === 'number' && typeof actual === 'number') {
      expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.max(Math.abs(expected), floor));
    } else {
      expect(actual, where).toEqual(expected);
    }
    return;
  }
  if (Array.isArray(expected) && expected.every((x) => typeof x === 'number') && (ArrayBuffer.isView(actual) || Array.isArray(actual))) {
    expectClose(actual as ArrayLike<number>, expected, rtol, floor, where);
    return;
  }
  expect(actual, where).toBeTypeOf('object');
  expect(actual, where).not.toBeNull();
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  expect(Object.keys(a).sort(), `${where} keys`).toEqual(Object.keys(e).sort());
  for (const key of Object.keys(e)) expectStateDictClose(a[key], e[key], rtol, floor, `${where}.${key}`);
}
