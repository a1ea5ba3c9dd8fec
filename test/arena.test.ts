/**
 * ParameterArena and the multi-tensor path: the arena's views are contiguous and aligned, the
 * optimizers' state is allocated in it, every optimizer of the table gives the same bytes on
 * arena parameters (coalesced into one range) as on separately allocated ones, on every
 * backend and instruction set, state dicts round-trip into the arena, and the buffer cannot be
 * detached by a transfer.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adafactor, Adam, LBFGS, Parameter, ParameterArena, SGD, type Optimizer } from '../src/index.js';
import { kernels } from '../src/backend.js';
import { runBytes } from './helpers/bytes.js';
import { coalesce } from '../src/coalesce.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
import { planOf } from './helpers/plans.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault, type Target } from './helpers/targets.js';

afterAll(useDefault);

const SIZES = [5, 0, 17, 512, 1, 40_000, 33];
const STEPS = 4;
const r0 = rng(21);
const INITIAL = SIZES.map((n) => r0.normals(n));
// Parameter 2 has no gradient at step 2, so its step count falls behind: its per-tensor
// scalars then differ and the coalesced runs split around it.
const GRADS = Array.from({ length: STEPS }, (_, t) => SIZES.map((n, j) => (j === 2 && t === 1 ? null : r0.normals(n, 0.5 + t / 2))));

function train(c: OptimCase, target: Target, params: Parameter[]) {
  params.forEach((p, j) => p.data.set(INITIAL[j]));
  const opt = c.create(params);
  target.use();
  for (const g of GRADS) {
    setGrads(params, g);
    opt.step();
  }
  return opt;
}

/** Each parameter's own gradient buffer, filled from `g`, or null where `g` has none. */
const ownGrads = new WeakMap<Parameter, Float32Array>();
function setGrads(params: Parameter[], g: (Float32Array | null)[]) {
  params.forEach((p, j) => {
    if (!ownGrads.has(p)) ownGrads.set(p, p.grad!);
    p.grad = g[j] ? ownGrads.get(p)! : null;
    if (g[j]) p.grad!.set(g[j]!);
  });
}


describe('layout', () => {
  it('lays the parameters out back to back, gradients likewise, regions on 64-byte boundaries', () => {
    const arena = new ParameterArena([3, [2, 5], 0, 7], { stateBuffers: 1, names: ['a', 'b', 'c', 'd'] });
    expect(arena.numel).toBe(20);
    expect(arena.buffer.byteLength).toBe(3 * 32 * 4); // 20 elements padded to 32, three regions
    const [a, b, c, d] = arena.parameters;
    expect(b.shape).toEqual([2, 5]);
    expect(d.name).toBe('d');
    expect([a, b, c, d].map((p) => p.data.byteOffset)).toEqual([0, 12, 52, 52]);
    expect([a, b, c, d].map((p) => p.grad!.byteOffset)).toEqual([128, 140, 180, 180]);
    for (const p of arena.parameters) {
      expect(arena.contains(p.data) && arena.contains(p.grad!)).toBe(true);
    }
    expect(arena.contains(new Float32Array(3))).toBe(false);
    arena.data.fill(1);
    arena.grad.fill(2);
    expect(Array.from(b.data)).toEqual(Array(10).fill(1));
    expect(Array.from(d.grad!)).toEqual(Array(7).fill(2));
    arena.zeroGrad();
    expect(arena.parameters.every((p) => p.grad!.every((x) => x === 0))).toBe(true);
    expect(arena.data.every((x) => x === 1)).toBe(true);
  });

  it('refuses bad shapes and options', () => {
    expect(() => new ParameterArena([3, -1])).toThrow('Expected a length or a shape of non-negative integers for shapes[1] but received -1');
    expect(() => new ParameterArena([[2, 1.5]])).toThrow(TypeError);
    expect(() => new ParameterArena([3], { stateBuffers: -1 })).toThrow('Expected an integer >= 0 for stateBuffers but received -1');
    expect(() => new ParameterArena([3, 4], { names: ['a'] })).toThrow(RangeError);
  });

  it('cannot be detached by a transfer', () => {
    const arena = new ParameterArena([1000]);
    const copy = structuredClone(arena.buffer, { transfer: [arena.buffer] });
    expect(arena.buffer.byteLength).toBe(copy.byteLength);
    expect(arena.parameters[0].data.length).toBe(1000);
  });
});

describe('state', () => {
  it('is allocated in the arena, each entry contiguous over the parameters, one region per entry and optimizer', () => {
    const arena = new ParameterArena([4, 9, 3], { stateBuffers: 3 });
    arena.grad.fill(0.5);
    const adam = new Adam(arena.parameters);
    adam.step();
    const states = arena.parameters.map((p) => adam.state.get(p)!);
    for (const key of ['exp_avg', 'exp_avg_sq']) {
      const views = states.map((s) => s[key] as Float32Array);
      expect(views.every((v) => arena.contains(v))).toBe(true);
      views.forEach((v, i) => expect(v.byteOffset - views[0].byteOffset).toBe(arena.parameters[i].data.byteOffset));
    }
    expect((states[0].exp_avg as Float32Array).byteOffset).not.toBe((states[0].exp_avg_sq as Float32Array).byteOffset);
    expect(arena.freeStateBuffers).toBe(1);
    // A second optimizer over the same parameters gets its own region, then runs out and falls
    // back to buffers of its own (correct, just outside the arena).
    const sgd = new SGD(arena.parameters, { lr: 0.1, momentum: 0.9 });
    sgd.step();
    const buf = sgd.state.get(arena.parameters[1])!.momentum_buffer as Float32Array;
    expect(arena.contains(buf)).toBe(true);
    expect(arena.freeStateBuffers).toBe(0);
    const adam2 = new Adam(arena.parameters);
    adam2.step();
    const outside = adam2.state.get(arena.parameters[0])!.exp_avg as Float32Array;
    expect(arena.contains(outside)).toBe(false);
    expect(outside.length).toBe(4);
  });

  it('round-trips through a state dict, back into the arena', () => {
    const make = () => {
      const arena = new ParameterArena(SIZES, { stateBuffers: 3 });
      arena.parameters.forEach((p, j) => p.data.set(INITIAL[j]));
      return { arena, opt: new Adam(arena.parameters, { lr: 0.01, amsgrad: true }) };
    };
    const a = make();
    const b = make();
    for (let t = 0; t < 2; t++) {
      a.arena.parameters.forEach((p, j) => p.grad!.set(GRADS[t][j] ?? new Float32Array(p.data.length)));
      a.opt.step();
    }
    b.arena.data.set(a.arena.data);
    b.opt.loadStateDict(JSON.parse(JSON.stringify(a.opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v))));
    for (const p of b.arena.parameters) {
      for (const key of ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']) expect(b.arena.contains(b.opt.state.get(p)![key] as Float32Array)).toBe(true);
    }
    // Loading again writes in place: the same regions, no new ones taken.
    const before = b.opt.state.get(b.arena.parameters[3])!.exp_avg as Float32Array;
    b.opt.loadStateDict(a.opt.stateDict());
    expect((b.opt.state.get(b.arena.parameters[3])!.exp_avg as Float32Array).byteOffset).toBe(before.byteOffset);
    expect(b.arena.freeStateBuffers).toBe(0);
    for (const run of [a, b]) {
      run.arena.parameters.forEach((p, j) => p.grad!.set(GRADS[2][j] ?? new Float32Array(p.data.length)));
      run.opt.step();
    }
    expect(runBytes(b.arena.parameters, b.opt).equals(runBytes(a.arena.parameters, a.opt))).toBe(true);
  });
  it('loads state that is not one float per element (Adafactor\'s factors) outside the arena', () => {
    const shapes = [[3, 4], [5], [2, 2, 3]];
    const initial = rng(5).normals(29);
    const run = () => {
      const arena = new ParameterArena(shapes, { stateBuffers: 1 });
      arena.data.set(initial);
      return { arena, opt: new Adafactor(arena.parameters, { lr: 0.01 }) };
    };
    const a = run();
    const b = run();
    for (const x of [a, b]) {
      x.arena.grad.fill(0.25);
      x.opt.step();
    }
    b.opt.loadStateDict(a.opt.stateDict());
    expect(b.arena.contains(b.opt.state.get(b.arena.parameters[1])!.variance as Float32Array)).toBe(true);
    expect(b.arena.contains(b.opt.state.get(b.arena.parameters[0])!.row_var as Float32Array)).toBe(false);
    for (const x of [a, b]) {
      x.arena.grad.fill(-0.5);
      x.opt.step();
    }
    expect(runBytes(b.arena.parameters, b.opt).equals(runBytes(a.arena.parameters, a.opt))).toBe(true);
  });
});

describe('coalesce', () => {
  it('merges tensors contiguous in every list with equal per-tensor scalars, and nothing else', () => {
    const arena = new ParameterArena([4, 4, 4, 4], { stateBuffers: 0 });
    const [p0, p1, p2, p3] = arena.parameters;
    const other = new Float32Array(4);
    const args = { params: [p0.data, p1.data, p2.data, p3.data], grads: [p0.grad!, p1.grad!, p2.grad!, p3.grad!], step_size: new Float64Array([1, 1, 2, 2]), lr: 0.1 };
    const merged = coalesce(args);
    expect(merged.params.map((v) => [v.byteOffset, v.length])).toEqual([[0, 8], [32, 8]]);
    expect(merged.grads.map((v) => [v.byteOffset, v.length])).toEqual([[64, 8], [96, 8]]);
    expect(Array.from(merged.step_size)).toEqual([1, 2]);
    expect(merged.lr).toBe(0.1);
    // Planned once: the same call again gives the same views, new scalars are honoured.
    const again = coalesce({ ...args, step_size: new Float64Array([3, 3, 3, 3]) });
    expect(again.params).toHaveLength(1);
    expect(again.params[0].length).toBe(16);
    expect(Array.from(again.step_size)).toEqual([3]);
    // One list not contiguous: nothing merges there.
    expect(coalesce({ ...args, grads: [p0.grad!, other, p2.grad!, p3.grad!], step_size: new Float64Array(4) }).params.map((v) => v.length)).toEqual([4, 4, 8]);
    // -0 and 0 are different scalars; NaN equals NaN.
    expect(coalesce({ ...args, step_size: new Float64Array([0, -0, NaN, NaN]) }).params.map((v) => v.length)).toEqual([4, 4, 8]);
    // Malformed or unmergeable calls pass through untouched, for the binding to judge.
    // A buffer detached after planning: the caller's own views go to the binding, to be named.
    const plain = new ArrayBuffer(64);
    const views = [0, 1, 2, 3].map((i) => new Float32Array(plain, i * 16, 4));
    const call = { tensors: views, scalar: 2 };
    expect(coalesce(call).tensors).toHaveLength(1);
    structuredClone(plain, { transfer: [plain] });
    expect(coalesce(call)).toBe(call);
    for (const bad of [{ ...args, grads: [p0.grad!] }, { ...args, grads: [p0.grad!, p1.grad!, 3, p3.grad!] }, { ...args, extra: new Int32Array(4) }]) {
      expect(coalesce(bad as never)).toBe(bad);
    }
  });
});

describe.each(allTargets)('$name: arena parameters give the same bytes as separate ones', (target) => {
  it.each(optimDb.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const separate = SIZES.map((n) => new Parameter(n));
    const arena = new ParameterArena(SIZES, { stateBuffers: 3 });
    const a = train(c, target, separate);
    const b = train(c, target, arena.parameters);
    expect(runBytes(arena.parameters, b).equals(runBytes(separate, a))).toBe(true);
    // Not vacuous: over one group the last step merged tensors (by runs, for the kernels that
    // reduce over each tensor), the separate parameters nothing (but the empty tensor, which in a
    // call by runs joins the run before it).
    if (b.paramGroups.length === 1) {
      const runs = (opt: Optimizer<object>) => (planOf(opt) as { runs: number; count: number });
      expect(runs(b).runs).toBeLessThan(runs(b).count - 1);
      expect(runs(a).count - runs(a).runs).toBeLessThanOrEqual(1);
    }
    const states = [...b.state.values()];
    expect(states.length).toBeGreaterThan(0);
    for (const s of states) for (const v of Object.values(s)) if (v instanceof Float32Array) expect(arena.contains(v)).toBe(true);
  });

  it('LBFGS too (its vector updates over the merged range)', () => {
    const run = (params: Parameter[]) => {
      params.forEach((p, j) => p.data.set(INITIAL[j]));
      target.use();
      const opt = new LBFGS(params, { maxIter: 6, historySize: 3, lineSearchFn: 'strong_wolfe' });
      // f = sum_j sum_i (j + 1) (x - 0.1 i)^2 / 2: a different curvature per parameter.
      const closure = () => {
        let f = 0;
        params.forEach((p, j) => {
          for (let i = 0; i < p.data.length; i++) {
            const e = p.data[i] - 0.1 * (i % 10);
            p.grad![i] = (j + 1) * e;
            f += 0.5 * (j + 1) * e * e;
          }
        });
        return f;
      };
      for (let s = 0; s < 2; s++) opt.step(closure);
      return opt;
    };
    const separate = SIZES.map((n) => new Parameter(n));
    const arena = new ParameterArena(SIZES);
    const a = run(separate);
    const b = run(arena.parameters);
    expect(a.state.get(separate[0])!.n_iter).toBeGreaterThan(2);
    expect(runBytes(arena.parameters, b).equals(runBytes(separate, a))).toBe(true);
  });

  it('stepAsync too', async () => {
    const separate = SIZES.map((n) => new Parameter(n));
    const arena = new ParameterArena(SIZES);
    const a = train(optimDb[6], target, separate);
    arena.parameters.forEach((p, j) => p.data.set(INITIAL[j]));
    const b = optimDb[6].create(arena.parameters);
    target.use();
    for (const g of GRADS) {
      setGrads(arena.parameters, g);
      const pending = b.stepAsync();
      // The arena's buffer cannot be transferred away mid-step: the transfer copies.
      structuredClone(arena.buffer, { transfer: [arena.buffer] });
      await pending;
    }
    expect(runBytes(arena.parameters, b).equals(runBytes(separate, a))).toBe(true);
  });
});

/**
 * A kernel call given as runs (native/binding/reader.h): its lists as one buffer each, the
 * tensors back to back; `perTensor(numel)` its other arguments; `sized` the lists whose tensor
 * t has another length than its params.
 */
interface RunsCase {
  kernel: 'lamb' | 'lars' | 'adafactor' | 'adam' | 'norms';
  lists: string[];
  sized?: Record<string, (t: number) => number>;
  rest: (numel: number[]) => Record<string, unknown>;
}

const RUN_NUMEL = [7, 0, 20_000, 40_000, 3];
const runsCases: RunsCase[] = [
  {
    kernel: 'lamb',
    lists: ['params', 'grads', 'exp_avg', 'exp_avg_sq'],
    rest: (n) => ({ bias_correction1: Float64Array.from(n, (_, t) => 0.1 * (t + 1)), bias_correction2_sqrt: Float64Array.from(n, (_, t) => 0.2 + 0.01 * t), lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-6, weight_decay: 0.01, max_trust_ratio: 10, maximize: false }),
  },
  {
    kernel: 'lars',
    lists: ['params', 'grads', 'momentum_buffer'],
    rest: (n) => ({ exclude: Uint8Array.from(n, (_, t) => (t === 4 ? 1 : 0)), lr: 0.1, momentum: 0.9, weight_decay: 1e-3, trust_coefficient: 1e-2, eps: 1e-8, nesterov: true, maximize: false }),
  },
  {
    // Tensor 2 a factored 100 x 200 matrix (its row and column factors), the others vectors.
    kernel: 'adafactor',
    lists: ['params', 'grads', 'row_var', 'col_var', 'variance'],
    sized: { row_var: (t) => (t === 2 ? 100 : 0), col_var: (t) => (t === 2 ? 200 : 0), variance: (t) => (t === 2 ? 0 : RUN_NUMEL[t]) },
    rest: (n) => ({
      factored: Uint8Array.from(n, (_, t) => (t === 2 ? 1 : 0)), batch: Float64Array.from(n, (_, t) => (t === 2 ? 1 : 0)), rows: Float64Array.from(n, (_, t) => (t === 2 ? 100 : 0)),
      cols: Float64Array.from(n, (_, t) => (t === 2 ? 200 : 0)), one_minus_beta2: new Float64Array(n.length).fill(0.3), rho: new Float64Array(n.length).fill(0.01),
      eps1: 1e-30, eps2: 1e-3, d: 1, decay: 0.9, maximize: false,
    }),
  },
  {
    kernel: 'adam',
    lists: ['params', 'grads', 'exp_avg', 'exp_avg_sq'],
    rest: (n) => ({ max_exp_avg_sq: null, step_size: Float64Array.from(n, (_, t) => 1e-3 * (t + 1)), bias_correction2_sqrt: new Float64Array(n.length).fill(0.5), beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, decay: 1, amsgrad: false, maximize: false }),
  },
  { kernel: 'norms', lists: ['tensors'], rest: (n) => ({ norm_type: 2, out: new Float64Array(n.length) }) },
];

describe.each(allTargets)('$name: calls given as runs', (target) => {
  it.each(runsCases.map((c) => [c.kernel, c] as const))('%s: the bytes of the same call tensor by tensor', (_name, c) => {
    target.use();
    const lengthOf = (key: string, t: number) => c.sized?.[key]?.(t) ?? RUN_NUMEL[t];
    const r = rng(8);
    // One buffer per list, filled alike for both calls (second moments >= 0).
    const initial = Object.fromEntries(c.lists.map((key) => {
      const n = RUN_NUMEL.reduce((sum, _, t) => sum + lengthOf(key, t), 0);
      const values = r.normals(n);
      return [key, /sq|var|variance/.test(key) ? values.map(Math.abs) : values];
    }));
    const cutAt = (key: string, buffer: Float32Array, tensors: number[][]) => {
      let at = 0;
      const starts = RUN_NUMEL.map((_, t) => ((at += lengthOf(key, t)), at - lengthOf(key, t)));
      return tensors.map((run) => {
        const begin = starts[run[0]];
        const end = starts[run[run.length - 1]] + lengthOf(key, run[run.length - 1]);
        return buffer.subarray(begin, end);
      });
    };
    const call = (runs: number[][] | null) => {
      const buffers = Object.fromEntries(c.lists.map((key) => [key, initial[key].slice()]));
      const groups = runs ?? RUN_NUMEL.map((_, t) => [t]);
      const args: Record<string, unknown> = { ...c.rest(RUN_NUMEL), ...Object.fromEntries(c.lists.map((key) => [key, cutAt(key, buffers[key], groups)])) };
      if (runs) Object.assign(args, { run_tensors: Float64Array.from(runs, (run) => run.length), tensor_numel: Float64Array.from(RUN_NUMEL) });
      (kernels(true)[c.kernel] as (a: object) => void)(args);
      return { buffers, out: args.out as Float64Array | undefined };
    };
    const plain = call(null);
    for (const runs of [[[0, 1, 2, 3, 4]], [[0, 1], [2], [3, 4]], [[0], [1, 2, 3], [4]]]) {
      const byRuns = call(runs);
      for (const key of c.lists) expect(Buffer.from(byRuns.buffers[key].buffer).equals(Buffer.from(plain.buffers[key].buffer)), `${key}, runs ${JSON.stringify(runs)}`).toBe(true);
      if (plain.out) expect(Array.from(byRuns.out!)).toEqual(Array.from(plain.out));
    }
  });
});
