/**
 * The thread engine: every optimizer of the table, on every native instruction set, gives the
 * same bytes on 1, 2 and 3 threads (3 is more than this machine's cores, and odd) over sizes
 * that cross the threading threshold and split tensors mid-way, and those results match the
 * JS oracle. Reductions (norms, dot, clipGradNorm) are bit-identical across thread counts too.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, clipGradNorm, getNumThreads, getTotalNorm, LAMB, Parameter, setNumThreads } from '../src/index.js';
import { nativeBinding } from '../src/backend.js';
import * as jsKernels from '../src/kernels/index.js';
import { firstDifference, runBytes } from './helpers/bytes.js';
import { maxRelativeError } from './helpers/close.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
import { rng } from './helpers/random.js';
import { jsTarget, nativeTargets, useDefault, type Target } from './helpers/targets.js';

const DEFAULT_THREADS = getNumThreads();
afterAll(() => {
  setNumThreads(DEFAULT_THREADS);
  useDefault();
});

// Sizes around the engine's threshold (64K elements per thread) and a large tensor that
// three threads split mid-way, plus a few small and odd ones: 263,198 elements in all.
const SIZES = [5, 40_000, 17, 70_001, 0, 150_003, 1000, 2172];
const STEPS = 3;
const THREADS = [1, 2, 3];
// Against the oracle, as test/native-vs-js.test.ts over whole runs, except on the scalar path:
// it rounds a * b + c twice (no FMA on baseline x86-64), and over a quarter million elements
// some element of an ill-conditioned rule (centered RMSprop's v - m^2, Adamax with weight decay)
// lands 1e-4 to 1.3e-3 away (measured; the same on one thread or three; the FMA paths stay
// within 2e-6). Skipped or repeated elements are caught by the byte comparison, on any path.
const rtolRun = (target: Target) => (target.name === 'native/scalar' ? 5e-3 : 2e-6);

// One set of initial values and gradients, made once (generating them costs more than the steps).
const r0 = rng(300);
const INITIAL = SIZES.map((n) => r0.normals(n));
const GRADS = Array.from({ length: STEPS }, (_, t) => SIZES.map((n) => r0.normals(n, 0.5 + t / STEPS)));

// For the cases that look at shapes (Adafactor factors matrices, LARS excludes vectors): two
// of the large tensors as matrices that the threads split mid-way (a block boundary in the
// middle of a row), the rest as the table's shapes.
const MATRICES: Record<number, readonly number[]> = { 40_000: [200, 200], 150_003: [3, 50_001] };

function run(c: OptimCase, target: Target) {
  const params = INITIAL.map((x) => new Parameter(x.slice(), { shape: c.shape ? MATRICES[x.length] ?? c.shape(x.length) : undefined }));
  const opt = c.create(params);
  target.use();
  for (const g of GRADS) {
    params.forEach((p, j) => p.grad!.set(g[j]));
    opt.step();
  }
  return { params, opt };
}


describe('setNumThreads / getNumThreads', () => {
  it('defaults to the available cores and reads back what was set', () => {
    const native = nativeBinding();
    if (!process.env.FASTOPTIM_NUM_THREADS && native) expect(DEFAULT_THREADS).toBe(native.availableCores());
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(DEFAULT_THREADS);
  });

  it.each([0, -1, 1.5, 257, Number.NaN, Infinity])('refuses %s with a RangeError', (n) => {
    expect(() => setNumThreads(n)).toThrow(RangeError);
    expect(() => setNumThreads(n)).toThrow(`Expected an integer in [1, 256] for numThreads but received ${n}`);
    expect(getNumThreads()).toBe(DEFAULT_THREADS);
  });

  it('refuses a non-number with a TypeError', () => {
    expect(() => setNumThreads('2' as never)).toThrow(TypeError);
  });

  it('the addon refuses bad counts itself', () => {
    const native = nativeBinding();
    if (!native) return;
    expect(() => native.setNumThreads(0)).toThrow(/setNumThreads: expected an integer from 1 to 256/);
    expect(() => native.setNumThreads(undefined as never)).toThrow(RangeError);
  });
});

// The oracle's run of each configuration, computed once for all instruction sets.
const oracle = new Map<number, Float32Array[]>();
const oracleParams = (c: OptimCase, i: number) => {
  if (!oracle.has(i)) oracle.set(i, run(c, jsTarget).params.map((p) => p.data));
  return oracle.get(i)!;
};

describe.each(nativeTargets)('$name on 1, 2 and 3 threads', (target) => {
  it.each(optimDb.map((c, i) => [c.name, c, i] as const))('%s: the same bytes, and the oracle\'s results', (_name, c, i) => {
    const expected = oracleParams(c, i);
    let first: Buffer | null = null;
    for (const n of THREADS) {
      setNumThreads(n);
      const actual = run(c, target);
      const b = runBytes(actual.params, actual.opt);
      if (first === null) first = b;
      else expect(firstDifference(b, first), `first byte that differs, ${n} threads vs 1`).toBe(-1);
      expected.forEach((p, j) => {
        expect(maxRelativeError(actual.params[j].data, p, 1), `param ${j}`).toBeLessThanOrEqual(rtolRun(target));
      });
    }
    setNumThreads(DEFAULT_THREADS);
  });

  it('reductions (norms of every type, dot, clipGradNorm) give the same bits on any thread count', () => {
    target.use();
    const r = rng(7);
    // 300,001 elements: 19 blocks of 16K in the big tensor, so the threads split it.
    const tensors = [r.normals(300_001), r.normals(3), r.normals(0), r.normals(70_000)];
    const others = tensors.map((x) => r.normals(x.length));
    const results = THREADS.map((n) => {
      setNumThreads(n);
      const out: number[] = [];
      for (const norm_type of [2, 1, Infinity, 3]) {
        const o = new Float64Array(tensors.length);
        nativeBinding()!.norms({ tensors, norm_type, out: o });
        out.push(...o);
      }
      const d = new Float64Array(tensors.length);
      nativeBinding()!.dot({ x: tensors, y: others, out: d });
      out.push(...d);
      const params = tensors.map((x) => new Parameter(new Float32Array(x.length), { grad: x.slice() }));
      out.push(getTotalNorm(params), clipGradNorm(params, 1));
      out.push(...params.flatMap((p) => Array.from(p.grad!.subarray(0, 50))));
      return out;
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // And the oracle's values, to double rounding over a few hundred thousand terms.
    const o = new Float64Array(tensors.length);
    jsKernels.norms({ tensors, norm_type: 2, out: o });
    o.forEach((v, t) => expect(Math.abs(results[0][t] - v)).toBeLessThanOrEqual(1e-12 * Math.max(v, 1)));
    const n = new Float64Array(tensors.length);
    jsKernels.norms({ tensors, norm_type: Infinity, out: n });
    expect(results[0].slice(8, 12)).toEqual(Array.from(n));
    setNumThreads(DEFAULT_THREADS);
  });

  it('reductions over no tensors at all do nothing (and do not crash)', () => {
    target.use();
    for (const n of THREADS) {
      setNumThreads(n);
      nativeBinding()!.norms({ tensors: [], norm_type: 2, out: new Float64Array(0) });
      nativeBinding()!.dot({ x: [], y: [], out: new Float64Array(0) });
      expect(getTotalNorm([])).toBe(0);
    }
    setNumThreads(DEFAULT_THREADS);
  });

  it('a NaN anywhere in a large tensor makes its infinity norm NaN on any thread count', () => {
    target.use();
    const x = new Float32Array(200_000).fill(1);
    x[123_456] = Number.NaN;
    for (const n of THREADS) {
      setNumThreads(n);
      const out = new Float64Array(1);
      nativeBinding()!.norms({ tensors: [x], norm_type: Infinity, out });
      expect(out[0]).toBeNaN();
    }
    setNumThreads(DEFAULT_THREADS);
  });
});

/**
 * `run(target)` (steps whose results it returns) on 1, 2 and 3 threads: the same bytes, and the
 * same norms of the results (the engine's reduction), on every thread count; the oracle's
 * values (`expected`, the same run on the JS backend).
 */
function expectSameOnEveryThreadCount(target: Target, run: (target: Target) => Float32Array[], expected: Float32Array[]): void {
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const results = THREADS.map((n) => {
    setNumThreads(n);
    const data = run(target);
    const norms = new Float64Array(data.length);
    nativeBinding()!.norms({ tensors: data, norm_type: 2, out: norms });
    return { data, norms: Array.from(norms) };
  });
  for (const res of results.slice(1)) {
    const differ = res.data.findIndex((d, j) => firstDifference(bytes(d), bytes(results[0].data[j])) !== -1);
    expect(differ, 'the first tensor whose bytes differ').toBe(-1);
    expect(res.norms).toEqual(results[0].norms);
  }
  expected.forEach((e, j) => expect(maxRelativeError(results[0].data[j], e, 1), `tensor ${j}`).toBeLessThanOrEqual(rtolRun(target)));
  setNumThreads(DEFAULT_THREADS);
}

describe('large groups (chunks capped at 1M elements, a yield between them)', () => {
  // 9.5M elements in two tensors: on 2 or 3 threads the engine cuts them into chunks of its
  // maximum size (1M elements, native/engine/pool.cc), more than the 4 per thread it starts
  // from, with a chunk boundary inside each tensor. Two steps of Adam and the norms of the
  // result give the same bytes on 1, 2 and 3 threads on every instruction set, and the oracle's
  // values.
  const SIZES_LARGE = [5_000_003, 4_500_001];
  const r = rng(31);
  const init = SIZES_LARGE.map((n) => r.uniforms(n));
  const grads = SIZES_LARGE.map((n) => r.uniforms(n));
  const stepTwice = (target: Target) => {
    target.use();
    const params = init.map((x, j) => new Parameter(x.slice(), { grad: grads[j] }));
    const opt = new Adam(params, { lr: 1e-2, weightDecay: 0.1 });
    opt.step();
    opt.step();
    return params.map((p) => p.data);
  };
  let expected: Float32Array[] | null = null;

  it.each(nativeTargets.map((t) => [t.name, t] as const))('%s: Adam and the norms, the same bytes on 1, 2 and 3 threads, and the oracle\'s values', (_name, target) => {
    expected ??= stepTwice(jsTarget);
    expectSameOnEveryThreadCount(target, stepTwice, expected);
  });
});

describe('many small tensors (each chunk finds its first tensor by binary search)', () => {
  // 3,000 tensors of 0 to 250 elements, runs of empty ones among them: 2 and 3 threads cut
  // them into chunks (and blocks) that start anywhere, at an empty tensor too. LAMB (blocks,
  // then chunks) and Adam (chunks) over them, and their norms, give the same bytes on 1, 2 and
  // 3 threads on every instruction set, and the oracle's values.
  const sizes = Array.from({ length: 3000 }, (_, i) => (i % 7 === 3 || i % 11 < 2 ? 0 : 13 + ((i * 37) % 238)));
  const r = rng(41);
  const init = sizes.map((n) => r.uniforms(n));
  const grads = sizes.map((n) => r.uniforms(n));
  const run = (target: Target) => {
    target.use();
    return [(p: Parameter[]) => new LAMB(p, { lr: 1e-2, weightDecay: 0.01 }), (p: Parameter[]) => new Adam(p, { lr: 1e-2 })].flatMap((make) => {
      const params = init.map((x, j) => new Parameter(x.slice(), { grad: grads[j] }));
      const opt = make(params);
      opt.step();
      opt.step();
      return params.map((p) => p.data);
    });
  };
  let expected: Float32Array[] | null = null;

  it('is large enough for the threads', () => expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(3 * 65_536));

  it.each(nativeTargets.map((t) => [t.name, t] as const))('%s: LAMB, Adam and the norms, the same bytes on 1, 2 and 3 threads, and the oracle\'s values', (_name, target) => {
    expected ??= run(jsTarget);
    expectSameOnEveryThreadCount(target, run, expected);
  });
});
