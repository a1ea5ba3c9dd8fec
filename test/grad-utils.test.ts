/**
 * Gradient utilities and the tensor-list operations under them: native (every instruction set)
 * against the JS oracle and a float64 reference written here; clipping as PyTorch's
 * torch.nn.utils; the non-finite guard; gradient accumulation (optax MultiSteps).
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, MultiSteps, Parameter, SGD, SkipNonFinite, clipGradNorm, clipGradValue, getTotalNorm } from '../src/index.js';
import { kernels } from '../src/backend.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

const SIZES = [0, 1, 7, 8, 9, 16, 17, 33, 1000, 4099];

function grads(seed: number, scale = 1) {
  const r = rng(seed);
  return SIZES.map((n) => r.normals(n, scale));
}

/** float64 reference of ||(||g_i||_p)_i||_p. */
function referenceNorm(gs: ArrayLike<number>[], p: number): number {
  const flat = gs.flatMap((g) => Array.from(g));
  if (p === Infinity) return flat.some(Number.isNaN) ? Number.NaN : flat.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return flat.reduce((s, x) => s + Math.abs(x) ** p, 0) ** (1 / p);
}

describe.each(allTargets)('$name', (target) => {
  it.each([2, 1, Infinity, 3, 0.5])('getTotalNorm, p = %s, equals the float64 reference', (p) => {
    target.use();
    const gs = grads(1);
    expect(getTotalNorm(gs, { normType: p })).toBeCloseTo(referenceNorm(gs, p), 9 - Math.ceil(Math.log10(referenceNorm(gs, p))));
    expect(getTotalNorm([])).toBe(0);
  });

  it('getTotalNorm propagates NaN and Inf, and can throw on them', () => {
    target.use();
    const gs = grads(2);
    gs[8][5] = Number.NaN;
    for (const p of [2, 1, Infinity, 3]) expect(getTotalNorm(gs, { normType: p })).toBeNaN();
    gs[8][5] = Number.POSITIVE_INFINITY;
    for (const p of [2, 1, Infinity]) expect(getTotalNorm(gs, { normType: p })).toBe(Infinity);
    expect(() => getTotalNorm(gs, { errorIfNonfinite: true })).toThrow('The total norm of order 2 for gradients is non-finite');
  });

  it('clipGradNorm scales by maxNorm / (norm + 1e-6) when above, leaves alone when below', () => {
    target.use();
    const params = grads(3).map((g) => new Parameter(new Float32Array(g.length), { grad: g }));
    const before = params.map((p) => Array.from(p.grad!));
    const norm = clipGradNorm(params, 1.5);
    expect(norm).toBeCloseTo(referenceNorm(before, 2), 8);
    const coef = 1.5 / (norm + 1e-6);
    params.forEach((p, j) => p.grad!.forEach((x, i) => expect(x).toBeCloseTo(Math.fround(before[j][i] * coef), 6)));
    expect(getTotalNorm(params)).toBeCloseTo(1.5, 5);
    const again = params.map((p) => p.grad!.slice());
    expect(clipGradNorm(params, 10, { normType: Infinity })).toBeLessThan(10);
    params.forEach((p, j) => expect(p.grad).toEqual(again[j]));
  });

  it('clipGradValue clamps to [-v, v] and keeps NaN', () => {
    target.use();
    const g = Float32Array.from([-3, -0.5, 0, 0.25, 2, Number.NaN, Number.NEGATIVE_INFINITY, 0.75, 1, -1, 5]);
    clipGradValue([g], 0.75);
    expect(Array.from(g)).toEqual([-0.75, -0.5, 0, 0.25, 0.75, Number.NaN, -0.75, 0.75, 0.75, -0.75, 0.75]);
  });

  it('the tensor-list kernels equal the JS oracle', () => {
    target.use();
    const x = grads(4);
    const y = grads(5);
    const out = new Float64Array(x.length);
    kernels().dot({ x, y, out });
    out.forEach((d, t) => expect(d).toBeCloseTo(x[t].reduce((s, v, i) => s + v * y[t][i], 0), 9));
    const acc = y.map((t) => t.slice());
    kernels().axpby({ y: acc, x, a: 0.5, b: -2 });
    acc.forEach((t, j) => t.forEach((v, i) => expect(v).toBeCloseTo(0.5 * y[j][i] - 2 * x[j][i], 5)));
    const nan = [Float32Array.from([Number.NaN, 1])];
    kernels().axpby({ y: nan, x: [Float32Array.from([2, 3])], a: 0, b: 1 });
    expect(Array.from(nan[0])).toEqual([2, 3]);
  });
});

describe('argument checks', () => {
  it('refuses bad norms and limits', () => {
    const p = [new Parameter(3)];
    expect(() => clipGradNorm(p, -1)).toThrow('Expected a finite number >= 0 for maxNorm but received -1');
    expect(() => getTotalNorm(p, { normType: 0 })).toThrow('Expected a finite number > 0 for normType but received 0');
    expect(() => clipGradValue(p, Number.NaN)).toThrow('Expected a finite number >= 0 for clipValue but received NaN');
    expect(() => getTotalNorm([{} as never])).toThrow(TypeError);
  });
});

describe.each(allTargets)('SkipNonFinite on $name', (target) => {
  function setup() {
    target.use();
    const params = [Parameter.from([1, 2, 3]), Parameter.from([4, 5])];
    const opt = new Adam(params, { lr: 0.1 });
    return { params, opt, guard: new SkipNonFinite(opt, { maxConsecutiveSkips: 2 }) };
  }

  it('steps on finite gradients and skips (saying where) on NaN or Inf, leaving everything unchanged', () => {
    const { params, opt, guard } = setup();
    params.forEach((p) => p.grad!.fill(1));
    expect(guard.step()).toEqual({ stepped: true, reason: null });
    const data = params.map((p) => p.data.slice());
    const state = JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v));
    params[1].grad![1] = Number.POSITIVE_INFINITY;
    expect(guard.step()).toEqual({ stepped: false, reason: 'non-finite gradient (NaN or Inf) in paramGroups[0].params[1]' });
    params.forEach((p, j) => expect(p.data).toEqual(data[j]));
    expect(JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v))).toBe(state);
    expect(guard.skippedSteps).toBe(1);
  });

  it('trusts a gradient norm from clipping instead of its own pass, and stops a diverged run', () => {
    const { params, guard } = setup();
    params.forEach((p) => p.grad!.fill(Number.NaN));
    const norm = clipGradNorm(params, 1);
    expect(guard.step({ gradNorm: norm })).toEqual({ stepped: false, reason: 'non-finite gradient norm (NaN)' });
    expect(guard.step({ gradNorm: 1 }).stepped).toBe(true); // trusted as given
    expect(guard.consecutiveSkips).toBe(0);
    guard.step();
    guard.step();
    expect(() => guard.step()).toThrow('SkipNonFinite: 3 steps skipped in a row (maxConsecutiveSkips 2)');
  });
});

describe.each(allTargets)('MultiSteps on $name', (target) => {
  it('equals one step on the mean gradient, every k calls, and resumes mid-cycle', () => {
    target.use();
    const r = rng(9);
    const init = [r.normals(17), r.normals(5)];
    const micro = Array.from({ length: 6 }, () => [r.normals(17), r.normals(5)]);
    micro[1][1] = null as never; // the second parameter sits out one micro-step

    const a = init.map((d) => new Parameter(d.slice()));
    const acc = new MultiSteps(new SGD(a, { lr: 0.1, momentum: 0.9 }), { everyK: 3 });
    const stepped = micro.map((g) => {
      a.forEach((p, j) => (p.grad = g[j] && g[j].slice()));
      return acc.step();
    });
    expect(stepped).toEqual([false, false, true, false, false, true]);

    const b = init.map((d) => new Parameter(d.slice()));
    const plain = new SGD(b, { lr: 0.1, momentum: 0.9 });
    for (const cycle of [micro.slice(0, 3), micro.slice(3, 6)]) {
      b.forEach((p, j) => {
        p.grad = new Float32Array(p.data.length);
        for (const g of cycle) if (g[j]) g[j].forEach((v, i) => (p.grad![i] += v / 3));
      });
      plain.step();
    }
    a.forEach((p, j) => p.data.forEach((v, i) => expect(v).toBeCloseTo(b[j].data[i], 5)));
    // The gradient buffers handed back are the caller's, untouched.
    expect(a[0].grad).toEqual(micro[5][0]);

    // Resume from the middle of a cycle.
    const c = init.map((d) => new Parameter(d.slice()));
    const first = new MultiSteps(new SGD(c, { lr: 0.1, momentum: 0.9 }), { everyK: 3 });
    micro.slice(0, 4).forEach((g) => {
      c.forEach((p, j) => (p.grad = g[j] && g[j].slice()));
      first.step();
    });
    const saved = first.stateDict();
    const d = c.map((p) => new Parameter(p.data.slice()));
    const resumed = new MultiSteps(new SGD(d, { lr: 0.1, momentum: 0.9 }), { everyK: 3 });
    resumed.loadStateDict(saved);
    expect(resumed.miniStep).toBe(1);
    micro.slice(4).forEach((g) => {
      d.forEach((p, j) => (p.grad = g[j] && g[j].slice()));
      resumed.step();
    });
    d.forEach((p, j) => expect(Array.from(p.data)).toEqual(Array.from(a[j].data)));
  });

  it('validates everyK and the state it loads', () => {
    target.use();
    const opt = new SGD([new Parameter(2)]);
    expect(() => new MultiSteps(opt, { everyK: 0 })).toThrow('Expected a finite number >= 1 for everyK but received 0');
    const m = new MultiSteps(opt, { everyK: 2 });
    expect(() => m.loadStateDict({ mini_step: 0, accumulators: { 0: [1, 2, 3] }, optimizer: opt.stateDict() })).toThrow('accumulators[0] has 3 elements but its parameter has 2');
    expect(() => m.loadStateDict({ mini_step: 2, accumulators: {}, optimizer: opt.stateDict() })).toThrow('Expected a finite number in [0, 1] for mini_step but received 2');
  });
});
