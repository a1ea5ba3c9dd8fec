/**
 * ParameterArena and the multi-tensor path: the arena's views are contiguous and aligned, the
 * optimizers' state is allocated in it, every optimizer of the table gives the same bytes on
 * arena parameters (coalesced into one range) as on separately allocated ones, on every
 * backend and instruction set, state dicts round-trip into the arena, and the buffer cannot be
 * detached by a transfer.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adafactor, Adam, LBFGS, Parameter, ParameterArena, SGD } from '../src/index.js';
import { runBytes } from './helpers/bytes.js';
import { coalesce } from '../src/coalesce.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
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
