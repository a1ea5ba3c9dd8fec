/**
 * Lion, LAMB, LARS and Adafactor, which PyTorch 1.13 lacks: each is checked against a float64
 * reference written here from its paper's update rule (independently of the JS oracle's code),
 * on the JS backend and every native instruction set, over 20 steps on tensors whose sizes
 * cover the SIMD tails; then the edge cases (zero norms, excluded parameters, non-2-D
 * parameters, maximize, groups, resume), defaults, group keys and validation.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adafactor, LAMB, LARS, Lion, Parameter, type Optimizer, type StateDictInput } from '../src/index.js';
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

/** A state dict as JSON carries it (Float32Arrays become number arrays). */
const viaJson = (sd: object): StateDictInput => JSON.parse(JSON.stringify(sd, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));

/**
 * Steps the optimizer and the reference side by side for 20 steps; halfway, the optimizer is
 * replaced by a fresh one loaded from its state dict (through JSON), so the comparison also
 * covers resuming.
 */
function runAgainstReference(c: ReferenceCase, seed: number) {
  const r = rng(seed);
  const init = c.shapes.map((s) => r.normals(numel(s)));
  const params = init.map((d, i) => new Parameter(d.slice(), { shape: c.shapes[i] }));
  const expected = init.map((d) => Float64Array.from(d));
  let opt = c.make(params);
  const ref = c.reference();
  for (let t = 0; t < STEPS; t++) {
    if (t === STEPS / 2) {
      const saved = viaJson(opt.stateDict());
      opt = c.make(params);
      opt.loadStateDict(saved);
    }
    const grads = c.shapes.map((s) => r.normals(numel(s), c.gradScale?.(t) ?? 1));
    params.forEach((p, i) => p.grad!.set(grads[i]));
    opt.step();
    ref.step(expected, grads.map((g) => Float64Array.from(g)));
  }
  params.forEach((p, i) => {
    expect(maxRelativeError(p.data, expected[i], 1), `${c.name}: param ${i} [${c.shapes[i]}]`).toBeLessThanOrEqual(c.rtol);
    const state = opt.state.get(p)!;
    if ('step' in state) expect(state.step).toBe(STEPS);
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

/** ||x||, in double. */
const norm = (x: Float64Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0));

/**
 * LAMB, You et al. 2019, Algorithm 2: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * m^ = m / (1 - b1^t), v^ = v / (1 - b2^t); r = m^ / (sqrt(v^) + eps); u = r + lambda x;
 * x -= lr phi(||x||) / ||u|| u, phi the identity; the ratio is 1 when a norm is 0, optionally
 * clamped.
 */
function lambReference(o: { lr: number; betas?: [number, number]; eps?: number; weightDecay?: number; biasCorrection?: boolean; maxTrustRatio?: number; maximize?: boolean }) {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const { lr, eps = 1e-6, weightDecay: wd = 0, biasCorrection = true, maxTrustRatio = Infinity } = o;
  const m: Float64Array[] = [];
  const v: Float64Array[] = [];
  let t = 0;
  return {
    step: (params: Float64Array[], grads: Float64Array[]) => {
      t++;
      params.forEach((x, i) => {
        m[i] ??= new Float64Array(x.length);
        v[i] ??= new Float64Array(x.length);
        const u = new Float64Array(x.length);
        for (let j = 0; j < x.length; j++) {
          const g = o.maximize ? -grads[i][j] : grads[i][j];
          m[i][j] = b1 * m[i][j] + (1 - b1) * g;
          v[i][j] = b2 * v[i][j] + (1 - b2) * g * g;
          const mHat = biasCorrection ? m[i][j] / (1 - b1 ** t) : m[i][j];
          const vHat = biasCorrection ? v[i][j] / (1 - b2 ** t) : v[i][j];
          u[j] = mHat / (Math.sqrt(vHat) + eps) + wd * x[j];
        }
        const xn = norm(x);
        const un = norm(u);
        const ratio = Math.min(xn === 0 || un === 0 ? 1 : xn / un, maxTrustRatio);
        for (let j = 0; j < x.length; j++) x[j] -= lr * ratio * u[j];
      });
    },
    state: (i: number) => ({ exp_avg: m[i], exp_avg_sq: v[i] }),
  };
}

/**
 * LARS, You et al. 2017, Algorithm 1, in the paper's form (the velocity carries the learning
 * rate): local = eta ||w|| / (||g|| + beta ||w|| + eps) (1 when a norm is 0); v = m v + gamma
 * local (g + beta w); w -= v. Nesterov (not in the paper): w -= gamma local (g + beta w) + m v.
 * An excluded tensor takes local = 1 and beta = 0. Our buffer is the velocity divided by gamma.
 */
function larsReference(o: { lr: number; momentum?: number; weightDecay?: number; trustCoefficient?: number; eps?: number; nesterov?: boolean; maximize?: boolean; exclude?: (i: number) => boolean }) {
  const { lr, momentum = 0.9, weightDecay = 0, trustCoefficient = 1e-3, eps = 1e-8 } = o;
  const v: Float64Array[] = [];
  return {
    step: (params: Float64Array[], grads: Float64Array[]) => {
      params.forEach((w, i) => {
        v[i] ??= new Float64Array(w.length);
        const g = grads[i].map((x) => (o.maximize ? -x : x));
        const excluded = o.exclude?.(i) ?? false;
        const beta = excluded ? 0 : weightDecay;
        const wn = norm(w);
        const gn = norm(g);
        const local = excluded || wn === 0 || gn === 0 ? 1 : (trustCoefficient * wn) / (gn + beta * wn + eps);
        for (let j = 0; j < w.length; j++) {
          const step = lr * local * (g[j] + beta * w[j]);
          v[i][j] = momentum * v[i][j] + step;
          w[j] -= o.nesterov ? step + momentum * v[i][j] : v[i][j];
        }
      });
    },
    state: (i: number): Record<string, Float64Array> => (momentum === 0 ? {} : { momentum_buffer: v[i].map((x) => x / lr) }),
  };
}

/**
 * Adafactor, Shazeer and Stern 2018, Algorithms 4 (matrices) and 5 (vectors), with PyTorch's
 * changes (see the class's documentation): rho = min(lr, 1 / sqrt(t)), alpha = max(eps2,
 * RMS(X)) rho; beta2^ = 1 - t^decay; X *= 1 - lr lambda; per matrix of the last two
 * dimensions, R = beta2^ R + (1 - beta2^) mean_j G^2, C likewise over i, V^ = R C^T /
 * max(mean R, eps1); vectors: V^ = beta2^ V^ + (1 - beta2^) G^2; U = G / sqrt(max(V^, eps1^2));
 * U^ = U / max(1, RMS(U) / d); X -= alpha U^.
 */
function adafactorReference(shapes: number[][], o: { lr?: number; beta2Decay?: number; eps?: [number | null, number]; d?: number; weightDecay?: number; maximize?: boolean } = {}) {
  const { lr = 1e-2, beta2Decay = -0.8, d = 1, weightDecay = 0 } = o;
  const eps1 = o.eps?.[0] ?? 2 ** -23;
  const eps2 = o.eps?.[1] ?? 1e-3;
  const rms = (x: Float64Array) => norm(x) / Math.sqrt(x.length);
  const factored = (i: number) => shapes[i].length >= 2;
  const dims = (i: number) => {
    const s = shapes[i];
    return { batch: numel(s.slice(0, -2)), rows: s[s.length - 2], cols: s[s.length - 1] };
  };
  const state = shapes.map((s, i): Record<string, Float64Array> => (factored(i) ? { row_var: new Float64Array(dims(i).batch * dims(i).rows), col_var: new Float64Array(dims(i).batch * dims(i).cols) } : { variance: new Float64Array(numel(s)) }));
  let t = 0;
  return {
    step: (params: Float64Array[], grads: Float64Array[]) => {
      t++;
      const beta2 = 1 - t ** beta2Decay;
      const rho = Math.min(lr, 1 / Math.sqrt(t));
      params.forEach((x, i) => {
        const G = grads[i].map((g) => (o.maximize ? -g : g));
        const alpha = Math.max(eps2, rms(x)) * rho;
        for (let j = 0; j < x.length; j++) x[j] *= 1 - lr * weightDecay;
        const vHat = new Float64Array(x.length);
        if (factored(i)) {
          const { batch, rows, cols } = dims(i);
          const { row_var: R, col_var: C } = state[i];
          for (let b = 0; b < batch; b++) {
            const at = (r: number, c: number) => G[(b * rows + r) * cols + c];
            for (let r = 0; r < rows; r++) {
              let mean = 0;
              for (let c = 0; c < cols; c++) mean += at(r, c) ** 2 / cols;
              R[b * rows + r] = beta2 * R[b * rows + r] + (1 - beta2) * mean;
            }
            for (let c = 0; c < cols; c++) {
              let mean = 0;
              for (let r = 0; r < rows; r++) mean += at(r, c) ** 2 / rows;
              C[b * cols + c] = beta2 * C[b * cols + c] + (1 - beta2) * mean;
            }
            let meanR = 0;
            for (let r = 0; r < rows; r++) meanR += R[b * rows + r] / rows;
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < cols; c++) vHat[(b * rows + r) * cols + c] = (R[b * rows + r] * C[b * cols + c]) / Math.max(meanR, eps1);
            }
          }
        } else {
          const V = state[i].variance;
          for (let j = 0; j < x.length; j++) vHat[j] = V[j] = beta2 * V[j] + (1 - beta2) * G[j] ** 2;
        }
        const U = G.map((g, j) => g / Math.sqrt(Math.max(vHat[j], eps1 * eps1)));
        const clip = Math.max(1, rms(U) / d);
        for (let j = 0; j < x.length; j++) x[j] -= (alpha * U[j]) / clip;
      });
    },
    state: (i: number): Record<string, Float64Array> => state[i],
  };
}

const SHAPES = [[1], [7], [33], [100], [13, 17]];
/** Vectors, matrices (single rows and columns among them) and batches of matrices. */
const FACTORED = [[1], [33], [13, 17], [1, 9], [6, 1], [2, 3, 5], [3, 2, 4, 19]];
/** Vectors (excluded by excludeBiasAndNorm) and matrices. */
const MIXED = [[1], [7], [33], [4, 25], [13, 17]];

const referenceCases: ReferenceCase[] = [
  // Lion moves each element by exactly lr (or 0) per step, so the only float32 error is the
  // rounding of p (1 ulp of max(|p|, 1), 6e-8, for the decay and for the step: 2.4e-6 over 20
  // steps) and of m (a contraction: a few ulps). A sign flipped by rounding would cost 2 lr =
  // 2e-2, far above the tolerance.
  { name: 'Lion', shapes: SHAPES, make: (p) => new Lion(p, { lr: 1e-2 }), reference: () => lionReference({ lr: 1e-2, betas: [0.9, 0.99] }), rtol: 3e-6 },
  { name: 'Lion betas weightDecay maximize', shapes: SHAPES, make: (p) => new Lion(p, { lr: 1e-2, betas: [0.8, 0.95], weightDecay: 0.5, maximize: true }), reference: () => lionReference({ lr: 1e-2, betas: [0.8, 0.95], weightDecay: 0.5, maximize: true }), rtol: 3e-6 },
  // LAMB moves each tensor by lr * ||p|| * u / ||u||: u is accurate to a few float32 ulps
  // (a quotient of moments that are contractions of the gradients) and the trust ratio to the
  // double sums' precision, so a step's error is a few ulps of lr |p|; the rounding of p itself
  // (6e-8 of max(|p|, 1) per step) dominates: 1.2e-6 over 20 steps, plus a few ulps of m and v.
  { name: 'LAMB', shapes: SHAPES, make: (p) => new LAMB(p, { lr: 1e-2 }), reference: () => lambReference({ lr: 1e-2 }), rtol: 3e-6 },
  { name: 'LAMB weightDecay maximize', shapes: SHAPES, make: (p) => new LAMB(p, { lr: 2e-2, weightDecay: 0.1, maximize: true }), reference: () => lambReference({ lr: 2e-2, weightDecay: 0.1, maximize: true }), rtol: 3e-6 },
  { name: 'LAMB no bias correction, maxTrustRatio, betas eps', shapes: SHAPES, make: (p) => new LAMB(p, { lr: 1e-2, biasCorrection: false, maxTrustRatio: 0.8, betas: [0.8, 0.99], eps: 1e-3 }), reference: () => lambReference({ lr: 1e-2, biasCorrection: false, maxTrustRatio: 0.8, betas: [0.8, 0.99], eps: 1e-3 }), rtol: 3e-6 },
  // LARS steps by lr (local (g + wd p) + momentum b) with local ~ trustCoefficient: each step's
  // quantities are accurate to a few ulps, the rounding of p (6e-8 of max(|p|, 1) per step)
  // dominates: 1.2e-6 over 20 steps; the buffer is a contraction of the steps (a few ulps).
  { name: 'LARS', shapes: SHAPES, make: (p) => new LARS(p, { lr: 0.5, trustCoefficient: 0.02 }), reference: () => larsReference({ lr: 0.5, trustCoefficient: 0.02 }), rtol: 3e-6 },
  { name: 'LARS weightDecay nesterov maximize', shapes: SHAPES, make: (p) => new LARS(p, { lr: 0.5, trustCoefficient: 0.02, weightDecay: 0.01, nesterov: true, maximize: true }), reference: () => larsReference({ lr: 0.5, trustCoefficient: 0.02, weightDecay: 0.01, nesterov: true, maximize: true }), rtol: 3e-6 },
  { name: 'LARS excludeBiasAndNorm', shapes: MIXED, make: (p) => new LARS(p, { lr: 0.05, trustCoefficient: 0.1, weightDecay: 0.1, excludeBiasAndNorm: true }), reference: () => larsReference({ lr: 0.05, trustCoefficient: 0.1, weightDecay: 0.1, exclude: (i) => MIXED[i].length === 1 }), rtol: 3e-6 },
  { name: 'LARS no momentum, eps', shapes: SHAPES, make: (p) => new LARS(p, { lr: 1, momentum: 0, trustCoefficient: 0.05, eps: 0.1 }), reference: () => larsReference({ lr: 1, momentum: 0, trustCoefficient: 0.05, eps: 0.1 }), rtol: 3e-6 },
  // Adafactor moves p by alpha U^ (alpha = rho max(eps2, RMS(p)), RMS(U^) <= 1): U is a quotient
  // of averages of g^2, accurate to a few ulps (the factors' products and means included), so
  // again the rounding of p dominates (6e-8 of max(|p|, 1) per step: 1.2e-6 over 20 steps), and
  // the factors and variances, contractions of g^2, stay within a few ulps.
  { name: 'Adafactor', shapes: FACTORED, make: (p) => new Adafactor(p), reference: () => adafactorReference(FACTORED), rtol: 3e-6 },
  {
    name: 'Adafactor eps floors d beta2Decay weightDecay maximize',
    shapes: FACTORED,
    // Gradients of 0.02: g^2 ~ 4e-4 against eps1^2 = 1e-4, so the floors bind on some elements.
    make: (p) => new Adafactor(p, { lr: 0.05, eps: [1e-2, 1e-3], d: 1.5, beta2Decay: -0.5, weightDecay: 0.2, maximize: true }),
    reference: () => adafactorReference(FACTORED, { lr: 0.05, eps: [1e-2, 1e-3], d: 1.5, beta2Decay: -0.5, weightDecay: 0.2, maximize: true }),
    gradScale: () => 0.02,
    rtol: 3e-6,
  },
  {
    name: 'LAMB groups',
    shapes: SHAPES,
    make: (p) => new LAMB([{ params: p.slice(0, 2), weightDecay: 0.5 }, { params: p.slice(2) }], { lr: 1e-2 }),
    reference: () => {
      const first = lambReference({ lr: 1e-2, weightDecay: 0.5 });
      const second = lambReference({ lr: 1e-2 });
      return {
        step: (ps, gs) => {
          first.step(ps.slice(0, 2), gs.slice(0, 2));
          second.step(ps.slice(2), gs.slice(2));
        },
        state: (i) => (i < 2 ? first.state(i) : second.state(i - 2)),
      };
    },
    rtol: 3e-6,
  },
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

describe.each(allTargets)('$name LAMB trust ratio', (target) => {
  it('is 1 for a zero parameter: the first step is lr * m^ / (sqrt(v^) + eps)', () => {
    target.use();
    const w = new Parameter(4);
    const opt = new LAMB([w], { lr: 0.1 });
    w.grad!.set([1, -2, 3, -4]);
    opt.step();
    // m^ = g and v^ = g^2 at the first step: u = g / (|g| + 1e-6)
    [1, -2, 3, -4].forEach((g, i) => expect(w.data[i]).toBeCloseTo((-0.1 * g) / (Math.abs(g) + 1e-6), 7));
  });

  it('is 1 for a zero update (zero gradient, no weight decay): nothing moves', () => {
    target.use();
    const w = Parameter.from([1, 2]);
    const opt = new LAMB([w], { lr: 0.1 });
    opt.step();
    expect(Array.from(w.data)).toEqual([1, 2]);
    expect(opt.state.get(w)!.step).toBe(1);
  });

  it('is ||p|| / ||wd p|| = 1 / wd with a zero gradient, clamped by maxTrustRatio', () => {
    target.use();
    const [a, b] = [Parameter.from([1, 2]), Parameter.from([1, 2])];
    // u = 0.1 p, so trust = 10 and p -= lr * 10 * 0.1 p = lr p; clamped to 2: p -= 0.2 lr p.
    const opt = new LAMB([{ params: [a] }, { params: [b], maxTrustRatio: 2 }], { lr: 0.01, weightDecay: 0.1 });
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.99, 6);
    expect(a.data[1]).toBeCloseTo(1.98, 6);
    expect(b.data[0]).toBeCloseTo(0.998, 6);
    expect(b.data[1]).toBeCloseTo(1.996, 6);
  });

  it('reduces a tensor spanning several blocks (16K elements) as one norm', () => {
    target.use();
    const n = 40_000;
    const w = new Parameter(Float32Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 0)));
    const opt = new LAMB([w], { lr: 0.1, weightDecay: 1 });
    opt.step(); // zero gradient: u = p, trust = 1, p -= 0.1 p
    expect(w.data[0]).toBeCloseTo(0.9, 7);
    expect(w.data[n - 1]).toBe(0);
  });
});

describe.each(allTargets)('$name LARS local learning rate', (target) => {
  it('is 1 for a zero parameter: the first step is -lr g', () => {
    target.use();
    const w = new Parameter(2, { shape: [1, 2] });
    const opt = new LARS([w], { lr: 0.1 });
    w.grad!.set([1, 2]);
    opt.step();
    expect(Array.from(w.data)).toEqual([Math.fround(-0.1), Math.fround(-0.2)]);
  });

  it('is 1 for a zero gradient: only the weight decay moves the parameter', () => {
    target.use();
    const w = Parameter.from([1, 2]);
    const opt = new LARS([w], { lr: 0.1, weightDecay: 0.1 });
    opt.step();
    expect(w.data[0]).toBeCloseTo(0.99, 6);
    expect(w.data[1]).toBeCloseTo(1.98, 6);
  });

  it('excludes vectors (and parameters without a shape) from adaptation and weight decay', () => {
    target.use();
    const w = Parameter.from([3, 4, 0, 0], { shape: [2, 2] });
    const b = Parameter.from([1, 1]);
    const bare = { data: Float32Array.from([1, 1]), grad: Float32Array.from([0.5, -0.5]) };
    const opt = new LARS([w, b, bare], { lr: 0.5, momentum: 0, weightDecay: 0.1, trustCoefficient: 0.01, excludeBiasAndNorm: true });
    w.grad!.set([0, 0, 6, 8]);
    b.grad!.set([0.5, -0.5]);
    opt.step();
    // w: local = 0.01 * 5 / (10 + 0.1 * 5 + 1e-8); p -= 0.5 local (g + 0.1 p)
    const local = 0.05 / (10.5 + 1e-8);
    [3, 4, 0, 0].forEach((p0, i) => expect(w.data[i]).toBeCloseTo(p0 - 0.5 * local * ([0, 0, 6, 8][i] + 0.1 * p0), 6));
    // b and the shapeless parameter: plain SGD, no decay
    expect(Array.from(b.data)).toEqual([0.75, 1.25]);
    expect(Array.from(bare.data)).toEqual([0.75, 1.25]);
    // Without the option, b is adapted and decayed like w.
    const b2 = Parameter.from([1, 1]);
    b2.grad!.set([0.5, -0.5]);
    new LARS([b2], { lr: 0.5, momentum: 0, weightDecay: 0.1, trustCoefficient: 0.01 }).step();
    const localB = (0.01 * Math.SQRT2) / (Math.SQRT1_2 + 0.1 * Math.SQRT2 + 1e-8);
    expect(b2.data[0]).toBeCloseTo(1 - 0.5 * localB * (0.5 + 0.1), 6);
    expect(b2.data[1]).toBeCloseTo(1 - 0.5 * localB * (-0.5 + 0.1), 6);
  });
});

describe.each(allTargets)('$name Adafactor', (target) => {
  it('factors parameters of two or more dimensions over their last two, keeps a full variance for the others', () => {
    target.use();
    const m = new Parameter(6, { shape: [2, 3] });
    const batched = new Parameter(12, { shape: [2, 2, 3] });
    const v = new Parameter(4); // shape [4]
    const bare = { data: new Float32Array(5), grad: new Float32Array(5).fill(1) };
    const opt = new Adafactor([m, batched, v, bare]);
    for (const p of [m, batched, v]) p.grad!.fill(1);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state[0])).toEqual(['step', 'row_var', 'col_var']);
    expect((sd.state[0].row_var as Float32Array).length).toBe(2);
    expect((sd.state[0].col_var as Float32Array).length).toBe(3);
    expect((sd.state[1].row_var as Float32Array).length).toBe(4);
    expect((sd.state[1].col_var as Float32Array).length).toBe(6);
    expect(Object.keys(sd.state[2])).toEqual(['step', 'variance']);
    expect(Object.keys(sd.state[3])).toEqual(['step', 'variance']);
    // First step, weight 1: the factors are the gradient's mean squares.
    expect(Array.from(sd.state[0].row_var as Float32Array)).toEqual([1, 1]);
    expect(Array.from(sd.state[3].variance as Float32Array)).toEqual([1, 1, 1, 1, 1]);
  });

  it('steps alpha = max(eps2, RMS(p)) * min(lr, 1) at the first step, eps2 for a zero parameter', () => {
    target.use();
    const a = Parameter.from([3, 4]);
    const z = new Parameter(2);
    const opt = new Adafactor([a, z]);
    a.grad!.set([1, -1]);
    z.grad!.set([1, 2]);
    opt.step();
    // u = g / |g| (v = g^2), RMS(u) = 1: p -= RMS(p) * 1e-2 * sign(g); RMS([3, 4]) = sqrt(12.5)
    const step = Math.sqrt(12.5) * 1e-2;
    expect(a.data[0]).toBeCloseTo(3 - step, 6);
    expect(a.data[1]).toBeCloseTo(4 + step, 6);
    expect(Array.from(z.data)).toEqual([Math.fround(-1e-5), Math.fround(-1e-5)]);
  });

  it('loads PyTorch\'s layout and refuses state that does not fit the parameter\'s shape', () => {
    target.use();
    const m = new Parameter(6, { shape: [2, 3] });
    const opt = new Adafactor([m]);
    const sd = { state: { 0: { step: 3, row_var: [0.5, 0.5], col_var: [1, 1, 1] } }, param_groups: [{ ...opt.stateDict().param_groups[0], params: [0] }] };
    opt.loadStateDict(sd);
    expect(opt.state.get(m)!.step).toBe(3);
    const wrong = [
      [{ step: 3, variance: [0, 0, 0, 0, 0, 0] }, /state\[0\]\.row_var is missing/],
      [{ step: 3, row_var: [0.5, 0.5], col_var: [1, 1, 1], variance: [0, 0, 0, 0, 0, 0] }, /state\[0\]\.variance does not apply to this parameter/],
      [{ step: 3, row_var: [0.5, 0.5, 0.5], col_var: [1, 1, 1] }, /state\[0\]\.row_var has 3 elements but its parameter has 2/],
    ] as const;
    for (const [entry, message] of wrong) expect(() => opt.loadStateDict({ ...sd, state: { 0: entry } })).toThrow(message);
    expect(opt.state.get(m)!.step).toBe(3);
  });

  it('refuses a shape that does not describe the data, and changes nothing', () => {
    target.use();
    const p = { data: new Float32Array(5), grad: new Float32Array(5).fill(1), shape: [2, 2] };
    const opt = new Adafactor([p]);
    expect(() => opt.step()).toThrow("Expected a shape with 5 elements for an Adafactor parameter's shape but received [2, 2]");
    expect(opt.state.size).toBe(0);
  });
});

const p3 = () => [new Parameter(3)];

describe('defaults and param_groups keys', () => {
  it.each([
    ['Lion', () => new Lion(p3()), { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0, maximize: false }],
    ['LARS', () => new LARS(p3()), { lr: 1, momentum: 0.9, weight_decay: 0, trust_coefficient: 0.001, eps: 1e-8, nesterov: false, exclude_bias_and_norm: false, maximize: false }],
    ['Adafactor', () => new Adafactor(p3()), { lr: 1e-2, beta2_decay: -0.8, eps: [null, 1e-3], d: 1, weight_decay: 0, maximize: false, foreach: null }],
    ['LAMB', () => new LAMB(p3()), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0, bias_correction: true, max_trust_ratio: null, maximize: false }],
  ] as const)('%s', (_name, make, group) => {
    expect(make().stateDict().param_groups).toEqual([{ ...group, params: [0] }]);
  });
});

describe('hyperparameter validation', () => {
  it.each([
    [() => new Lion(p3(), { lr: -1 }), RangeError, 'Expected a finite number >= 0 for lr but received -1'],
    [() => new Lion(p3(), { betas: [0.9, 1.5] }), TypeError, 'Expected a pair of finite numbers in [0, 1] for betas but received [0.9, 1.5]'],
    [() => new Lion(p3(), { weightDecay: -0.1 }), RangeError, 'Expected a finite number >= 0 for weightDecay but received -0.1'],
    [() => new LARS(p3(), { nesterov: true, momentum: 0 }), TypeError, 'Expected false unless momentum > 0 for nesterov but received true'],
    [() => new LARS(p3(), { trustCoefficient: -1 }), RangeError, 'Expected a finite number >= 0 for trustCoefficient but received -1'],
    [() => new LARS(p3(), { excludeBiasAndNorm: 'yes' as never }), TypeError, 'Expected a boolean for excludeBiasAndNorm but received "yes"'],
    [() => new Adafactor(p3(), { beta2Decay: 0.5 }), RangeError, 'Expected a finite number <= 0 for beta2Decay but received 0.5'],
    [() => new Adafactor(p3(), { d: 0.5 }), RangeError, 'Expected a finite number >= 1 for d but received 0.5'],
    [() => new Adafactor(p3(), { eps: [-1, 1e-3] }), RangeError, 'Expected a finite number >= 0 for eps[0] but received -1'],
    [() => new Adafactor(p3(), { eps: [null, Number.NaN] }), RangeError, 'Expected a finite number >= 0 for eps[1] but received NaN'],
    [() => new Adafactor(p3(), { eps: 1e-3 as never }), RangeError, 'Expected a pair [eps1 or null, eps2] for eps but received 0.001'],
    [() => new LAMB(p3(), { maxTrustRatio: 0 }), RangeError, 'Expected a finite number > 0 for maxTrustRatio but received 0'],
    [() => new LAMB(p3(), { maxTrustRatio: 'none' as never }), TypeError, 'Expected a finite number > 0 for maxTrustRatio but received "none"'],
    [() => new LAMB(p3(), { biasCorrection: 1 as never }), RangeError, 'Expected a boolean for biasCorrection but received 1'],
    [() => new LAMB(p3(), { betas: [0.9, 1] }), TypeError, 'Expected a pair of finite numbers in [0, 1) for betas but received [0.9, 1]'],
  ])('%#', (make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });
});
