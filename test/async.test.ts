/**
 * stepAsync: the same bytes as step() for every optimizer of the table on every backend and
 * instruction set (threaded sizes included), bad input refused before anything runs, the
 * optimizer's own conflicting calls refused while a step is in flight, two optimizers stepping
 * at once, and a buffer detached mid-step reported.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, LBFGS, Parameter, SGD, getNumThreads, setNumThreads } from '../src/index.js';
import { firstDifference, runBytes } from './helpers/bytes.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
import { rng } from './helpers/random.js';
import { allTargets, nativeTargets, useDefault, type Target } from './helpers/targets.js';

const DEFAULT_THREADS = getNumThreads();
afterAll(() => {
  setNumThreads(DEFAULT_THREADS);
  useDefault();
});

// Small and odd sizes, and one large enough for the thread engine to split (on 2 threads).
const SIZES = [0, 3, 17, 1000, 150_001];
const STEPS = 3;
const r0 = rng(11);
const INITIAL = SIZES.map((n) => r0.normals(n));
const GRADS = Array.from({ length: STEPS }, (_, t) => SIZES.map((n, j) => (j === 1 && t === 1 ? null : r0.normals(n, 0.5 + t))));

async function run(c: OptimCase, target: Target, useAsync: boolean) {
  target.use();
  const params = INITIAL.map((x) => new Parameter(x.slice()));
  const opt = c.create(params);
  for (const g of GRADS) {
    params.forEach((p, j) => {
      p.grad = g[j] && g[j]!.slice();
    });
    if (useAsync) {
      const loss = await opt.stepAsync(() => 42);
      expect(loss).toBe(42);
    } else {
      opt.step();
    }
  }
  return { params, opt };
}


describe.each(allTargets)('$name: stepAsync equals step', (target) => {
  it.each(optimDb.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    setNumThreads(2);
    const sync = await run(c, target, false);
    const async = await run(c, target, true);
    expect(firstDifference(runBytes(async.params, async.opt), runBytes(sync.params, sync.opt))).toBe(-1);
    setNumThreads(DEFAULT_THREADS);
  });
});

describe('LBFGS.stepAsync', () => {
  it('runs step() and resolves with its loss', async () => {
    const make = () => {
      const p = Parameter.from([1.5, -0.5]);
      const opt = new LBFGS([p], { lr: 1 });
      const closure = () => {
        const [x, y] = p.data;
        p.grad!.set([2 * (x - 3), 4 * (y + 1)]);
        return (x - 3) ** 2 + 2 * (y + 1) ** 2;
      };
      return { p, opt, closure };
    };
    const a = make();
    const b = make();
    const losses = [a.opt.step(a.closure), a.opt.step(a.closure)];
    expect([await b.opt.stepAsync(b.closure), await b.opt.stepAsync(b.closure)]).toEqual(losses);
    expect(Array.from(b.p.data)).toEqual(Array.from(a.p.data));
  });
});

describe.each(nativeTargets)('$name: while a stepAsync is in flight', (target) => {
  const big = () => {
    target.use();
    const p = new Parameter(new Float32Array(1 << 20).fill(1));
    p.grad!.fill(0.5);
    const q = new Parameter(new Float32Array(8));
    return { p, q, opt: new Adam([p], { lr: 0.1 }) };
  };

  it('the optimizer refuses every conflicting call, then accepts them again', async () => {
    const { p, q, opt } = big();
    const saved = opt.stateDict();
    const pending = opt.stepAsync();
    expect(opt.stepInFlight).toBe(true);
    const refused = /Adam\.(\w+): a stepAsync\(\) of this optimizer is still running; await it before calling \1\(\)/;
    expect(() => opt.step()).toThrow(refused);
    await expect(opt.stepAsync()).rejects.toThrow(refused);
    expect(() => opt.zeroGrad()).toThrow(refused);
    expect(() => opt.loadStateDict(saved)).toThrow(refused);
    expect(() => opt.stateDict()).toThrow(refused);
    expect(() => opt.addParamGroup({ params: [q] })).toThrow(refused);
    expect(await pending).toBeUndefined();
    expect(opt.stepInFlight).toBe(false);
    // The refused calls changed nothing: one step was taken, from the first state.
    expect(opt.state.get(p)!.step).toBe(1);
    expect(opt.paramGroups).toHaveLength(1);
    expect(p.grad![0]).toBe(0.5);
    opt.zeroGrad();
    opt.step();
    expect(opt.state.get(p)!.step).toBe(2);
  });

  it('bad input rejects before anything runs and leaves the optimizer usable', async () => {
    const { p, opt } = big();
    p.grad = new Float32Array(5);
    await expect(opt.stepAsync()).rejects.toThrow(RangeError);
    expect(opt.stepInFlight).toBe(false);
    expect(opt.state.size).toBe(0);
    expect(p.data.every((x) => x === 1)).toBe(true);
    // A buffer the kernel writes shared with one it reads: the binding refuses it.
    p.grad = p.data;
    await expect(opt.stepAsync()).rejects.toThrow(/overlap in memory/);
    expect(opt.state.size).toBe(0);
    expect(p.data.every((x) => x === 1)).toBe(true);
  });

  it('two optimizers can step at once, with the results of stepping one after the other', async () => {
    setNumThreads(2);
    const make = () => {
      const r = rng(5);
      const a = new Parameter(r.normals(200_000), { grad: r.normals(200_000) });
      const b = new Parameter(r.normals(150_000), { grad: r.normals(150_000) });
      return { a, b, adam: new Adam([a], { lr: 0.01 }), sgd: new SGD([b], { lr: 0.1, momentum: 0.9 }) };
    };
    const seq = make();
    const par = make();
    target.use();
    for (let i = 0; i < 3; i++) {
      seq.adam.step();
      seq.sgd.step();
      await Promise.all([par.adam.stepAsync(), par.sgd.stepAsync()]);
    }
    expect(Buffer.from(par.a.data.buffer).equals(Buffer.from(seq.a.data.buffer))).toBe(true);
    expect(Buffer.from(par.b.data.buffer).equals(Buffer.from(seq.b.data.buffer))).toBe(true);
    setNumThreads(DEFAULT_THREADS);
  });

  it('a buffer detached while the kernel runs makes the step reject', async () => {
    const { p, opt } = big();
    const pending = opt.stepAsync();
    // The reference kept the memory alive; the transfer still detaches the buffer.
    const buffer = p.data.buffer as ArrayBuffer;
    const moved = structuredClone(buffer, { transfer: [buffer] });
    await expect(pending).rejects.toThrow('adam: a buffer of this call was detached while the kernel ran; the results are undefined');
    expect(opt.stepInFlight).toBe(false);
    expect(moved.byteLength).toBe(4 << 20);
  });
});
