/**
 * Lion, LAMB, LARS and Adafactor, which PyTorch 1.13 lacks: each is checked against a float64
 * reference written here from its paper's update rule (independently of the JS oracle's code),
 * on the JS backend and every native instruction set, over 20 steps on tensors whose sizes
 * cover the SIMD tails; then the edge cases (zero norms, excluded parameters, non-2-D
 * parameters, maximize, groups, resume), defaults, group keys and validation.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Lion, Parameter, type Optimizer } from '../src/index.js';
import { maxRelativeError } from './helpers/close.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

const STEPS = 20;
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** One step of a float64 reference: updates `params` in place from `grads` (its state is its own). */
type ReferenceStep = (params: Float64Array[], grads: Float64Array[]) => void;

interface ReferenceCase {
  name: string;
  /** The parameters' shapes (sizes cover the 8- and 16-lane tails). */
  shapes: number[][];
  make(params: Parameter[]): Optimizer<object>;
  /** A fresh reference; `state(i)` gives parameter i's reference state, keyed as ours. */
  reference(): { step: ReferenceStep; state(i: number): Record<string, Float64Array> };
  /** Gradient scale per step (default 1). */
  gradScale?: (t: number) => number;
  /**
   * Tolerance on |float32 - float64| / max(|float64|, 1) after 20 steps, justified per case:
   * float32 rounding (ulp 1.2e-7) of each operation, accumulated over the steps.
   */
  rtol: number;
}

function runAgainstReference(c: ReferenceCase, seed: number) {
  const r = rng(seed);
  const init = c.shapes.map((s) => r.normals(numel(s)));
  const params = init.map((d, i) => new Parameter(d.slice(), { shape: c.shapes[i] }));
  const expected = init.map((d) => Float64Array.from(d));
  const opt = c.make(params);
  const ref = c.reference();
  for (let t = 0; t < STEPS; t++) {
    const grads = c.shapes.map((s) => r.normals(numel(s), c.gradScale?.(t) ?? 1));
    params.forEach((p, i) => p.grad!.set(grads[i]));
    opt.step();
    ref.step(expected, grads.map((g) => Float64Array.from(g)));
  }
  params.forEach((p, i) => {
    expect(maxRelativeError(p.data, expected[i], 1), `${c.name}: param ${i} [${c.shapes[i]}]`).toBeLessThanOrEqual(c.rtol);
    const state = opt.state.get(p)!;
    expect(state.step).toBe(STEPS);
    for (const [key, value] of Object.entries(ref.state(i))) {
      expect(maxRelativeError(state[key] as Float32Array, value, 1), `${c.name}: param ${i} ${key}`).toBeLessThanOrEqual(c.rtol);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// References, from the papers
// ---------------------------------------------------------------------------------------------

/**
 * Lion, Chen et al. 2023, Algorithm 2: c = b1 m + (1 - b1) g; theta -= lr (sign(c) + lambda
 * theta); m = b2 m + (1 - b2) g.
 */
function lionReference(o: { lr: number; betas: [number, number]; weightDecay?: number; maximize?: boolean }) {
  const [b1, b2] = o.betas;
  const wd = o.weightDecay ?? 0;
  const m: Float64Array[] = [];
  return {
    step: (params: Float64Array[], grads: Float64Array[]) => {
      params.forEach((theta, i) => {
        m[i] ??= new Float64Array(theta.length);
        for (let j = 0; j < theta.length; j++) {
          const g = o.maximize ? -grads[i][j] : grads[i][j];
          const c = b1 * m[i][j] + (1 - b1) * g;
          theta[j] -= o.lr * (Math.sign(c) + wd * theta[j]);
          m[i][j] = b2 * m[i][j] + (1 - b2) * g;
        }
      });
    },
    state: (i: number) => ({ exp_avg: m[i] }),
  };
}

const SHAPES = [[1], [7], [33], [100], [13, 17]];

const referenceCases: ReferenceCase[] = [
  // Lion moves each element by exactly lr (or 0) per step, so the only float32 error is the
  // rounding of p (1 ulp of max(|p|, 1), 6e-8, for the decay and for the step: 2.4e-6 over 20
  // steps) and of m (a contraction: a few ulps). A sign flipped by rounding would cost 2 lr =
  // 2e-2, far above the tolerance.
  { name: 'Lion', shapes: SHAPES, make: (p) => new Lion(p, { lr: 1e-2 }), reference: () => lionReference({ lr: 1e-2, betas: [0.9, 0.99] }), rtol: 3e-6 },
  { name: 'Lion betas weightDecay maximize', shapes: SHAPES, make: (p) => new Lion(p, { lr: 1e-2, betas: [0.8, 0.95], weightDecay: 0.5, maximize: true }), reference: () => lionReference({ lr: 1e-2, betas: [0.8, 0.95], weightDecay: 0.5, maximize: true }), rtol: 3e-6 },
];

describe.each(allTargets)('$name against the float64 paper references', (target) => {
  it.each(referenceCases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    target.use();
    runAgainstReference(c, 500 + i);
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases, defaults, validation
// ---------------------------------------------------------------------------------------------

describe.each(allTargets)('$name edge cases', (target) => {
  it('Lion: sign(0) = 0 leaves a parameter with a zero direction unchanged, NaN propagates', () => {
    target.use();
    const w = Parameter.from([1, 2, 3]);
    const opt = new Lion([w], { lr: 0.5 });
    w.grad!.set([0, Number.NaN, -2]);
    opt.step();
    expect(w.data[0]).toBe(1);
    expect(w.data[1]).toBeNaN();
    expect(w.data[2]).toBe(3.5);
    expect(Array.from(opt.state.get(w)!.exp_avg as Float32Array).map((x) => Math.fround(x))).toEqual([0, Number.NaN, Math.fround(-0.02)]);
  });
});

const p3 = () => [new Parameter(3)];

describe('defaults and param_groups keys', () => {
  it.each([
    ['Lion', () => new Lion(p3()), { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0, maximize: false }],
  ] as const)('%s', (_name, make, group) => {
    expect(make().stateDict().param_groups).toEqual([{ ...group, params: [0] }]);
  });
});

describe('hyperparameter validation', () => {
  it.each([
    [() => new Lion(p3(), { lr: -1 }), RangeError, 'Expected a finite number >= 0 for lr but received -1'],
    [() => new Lion(p3(), { betas: [0.9, 1.5] }), TypeError, 'Expected a pair of finite numbers in [0, 1] for betas but received [0.9, 1.5]'],
    [() => new Lion(p3(), { weightDecay: -0.1 }), RangeError, 'Expected a finite number >= 0 for weightDecay but received -0.1'],
  ])('%#', (make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });
});
