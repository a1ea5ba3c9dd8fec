/**
 * The JS backend is the oracle: every native instruction set, on every optimizer configuration
 * of the table, gives the JS results to float32 rounding. Sizes cover every tail length of
 * the 8- and 16-lane paths, empty tensors, skipped parameters and non-finite gradients.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Parameter, type Optimizer } from '../src/index.js';
import { maxRelativeError } from './helpers/close.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
import { rng } from './helpers/random.js';
import { jsTarget, nativeTargets, useDefault, type Target } from './helpers/targets.js';

const SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 33, 47, 64, 100, 1000, 4099];
const STEPS = 12;
// Differences are measured against the data's own scale: parameters and gradients are O(1), and
// a rounding difference in g + wd * p or m + (1 - beta1)(g - m) is a fraction of an ulp of the
// inputs even when the result is tiny. So: |native - js| <= rtol * max(|js|, 1), or the entry's
// own scale where a configuration declares one (OptimCase.scale: state that is not O(1)).
const FLOOR = 1;
// One step from the same state: the paths differ only in rounding (FMA or not, float or double
// intermediates): measured at most 2.3e-7, about 4 float32 ulps of 1.0.
const RTOL_STEP = 4e-7;
// Twelve steps, each path from its own state: the differences compound (measured below 1e-6);
// a wrong formula or constant is at 1e-4 and above.
const RTOL_RUN = 2e-6;

function gradsFor(seed: number, t: number): (Float32Array | null)[] {
  const r = rng(seed * 1000 + t);
  const grads = SIZES.map((n, j) => (j === 5 && (t === 2 || t === 3) ? null : r.normals(n, 0.5 + t / STEPS)));
  if (t === 4) {
    grads[16]![3] = Number.NaN; // a non-finite gradient must propagate the same way on every path
    grads[17]![4098] = Number.POSITIVE_INFINITY;
  }
  return grads;
}

function setup(c: OptimCase, seed: number) {
  const r = rng(seed);
  const params = SIZES.map((n) => new Parameter(r.normals(n), { shape: c.shape?.(n) }));
  return { params, opt: c.create(params) };
}

function step(target: Target, run: { params: Parameter[]; opt: Optimizer<object> }, grads: (Float32Array | null)[]) {
  target.use();
  run.params.forEach((p, j) => {
    p.grad = grads[j] && grads[j]!.slice();
  });
  run.opt.step();
}

function compare(c: OptimCase, a: ReturnType<typeof setup>, e: ReturnType<typeof setup>, rtol: number, when: string) {
  e.params.forEach((p, j) => {
    expect(maxRelativeError(a.params[j].data, p.data, FLOOR), `${when}: param ${j} (${SIZES[j]} elements)`).toBeLessThanOrEqual(rtol);
  });
  const actual = a.opt.stateDict();
  const expected = e.opt.stateDict();
  expect(Object.keys(actual.state)).toEqual(Object.keys(expected.state));
  for (const [id, entry] of Object.entries(expected.state)) {
    for (const [key, value] of Object.entries(entry)) {
      const got = actual.state[Number(id)][key];
      if (value instanceof Float32Array) {
        expect(maxRelativeError(got as Float32Array, value, c.scale?.[key] ?? FLOOR), `${when}: state[${id}].${key}`).toBeLessThanOrEqual(rtol);
      } else {
        expect(got, `${when}: state[${id}].${key}`).toEqual(value);
      }
    }
  }
  expect(actual.param_groups).toEqual(expected.param_groups);
}

afterAll(useDefault);

it('has a native instruction set to compare (the addon must load in CI)', () => {
  expect(nativeTargets.length).toBeGreaterThan(0);
  // The AVX-512 emulation build (npm run test:avx512-emulated) must really run avx512.
  if (process.env.FASTOPTIM_EXPECT_ISA) {
    expect(nativeTargets.map((t) => t.name)).toContain(`native/${process.env.FASTOPTIM_EXPECT_ISA}`);
  }
});

describe.each(nativeTargets)('$name equals the JS oracle', (target) => {
  it.each(optimDb.map((c, i) => [c.name, c, i] as const))('%s, step by step', (_name, c, i) => {
    const js = setup(c, 100 + i);
    const native = setup(c, 100 + i);
    for (let t = 0; t < STEPS; t++) {
      // Start the native step from the oracle's state, then compare one step.
      native.params.forEach((p, j) => p.data.set(js.params[j].data));
      if (t > 0) native.opt.loadStateDict(js.opt.stateDict());
      const grads = gradsFor(i, t);
      step(jsTarget, js, grads);
      step(target, native, grads);
      compare(c, native, js, RTOL_STEP, `step ${t + 1}`);
    }
  });

  it.each(optimDb.map((c, i) => [c.name, c, i] as const))('%s, whole run', (_name, c, i) => {
    const js = setup(c, 200 + i);
    const native = setup(c, 200 + i);
    for (let t = 0; t < STEPS; t++) {
      const grads = gradsFor(i, t);
      step(jsTarget, js, grads);
      step(target, native, grads);
    }
    compare(c, native, js, RTOL_RUN, `after ${STEPS} steps`);
  });
});
