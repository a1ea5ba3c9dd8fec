/**
 * stateDict() / loadStateDict(): PyTorch's layout, copies out, copies in, JSON-friendly input,
 * all-or-nothing loading, and resuming that continues exactly where the saved run would go.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, AdamW, Parameter, SGD, type Optimizer, type StateDictInput } from '../src/index.js';
import { optimDb } from './helpers/optim-db.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

const SIZES = [5, 33, 1];

function train(opt: Optimizer<object>, params: Parameter[], seed: number, steps: number) {
  const r = rng(seed);
  for (let t = 0; t < steps; t++) {
    params.forEach((p) => p.grad!.set(r.normals(p.data.length)));
    opt.step();
  }
}

/** A state dict as JSON would carry it: Float32Arrays become number arrays. */
function viaJson(sd: object): StateDictInput {
  return JSON.parse(JSON.stringify(sd, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));
}

describe.each(allTargets)('$name', (target) => {
  it.each(optimDb.map((c) => [c.name, c] as const))('%s resumes bit for bit', (_name, c) => {
    target.use();
    const r = rng(7);
    const params = SIZES.map((n) => new Parameter(r.normals(n), { shape: c.shape?.(n) }));
    const opt = c.create(params);
    train(opt, params, 1, 5);
    const saved = viaJson(opt.stateDict());
    const savedParams = params.map((p) => p.data.slice());
    train(opt, params, 2, 5);

    const resumedParams = savedParams.map((d, j) => new Parameter(d.slice(), { shape: params[j].shape }));
    const resumed = c.create(resumedParams);
    resumed.loadStateDict(saved);
    train(resumed, resumedParams, 2, 5);
    resumedParams.forEach((p, j) => expect(Array.from(p.data)).toEqual(Array.from(params[j].data)));
    expect(viaJson(resumed.stateDict())).toEqual(viaJson(opt.stateDict()));
  });
});

describe('layout', () => {
  it('leaves out the state of a parameter removed from its group by hand', () => {
    const [a, b] = [new Parameter(2), new Parameter(3)];
    const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad!.fill(1);
    b.grad!.fill(1);
    opt.step();
    opt.paramGroups[0].params.splice(0, 1); // a is no longer stepped, but keeps its state
    const sd = opt.stateDict();
    expect(sd.param_groups[0].params).toEqual([0]);
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Array.from(sd.state[0].momentum_buffer as Float32Array)).toEqual([1, 1, 1]);
  });

  it('numbers parameters across groups and writes PyTorch key names', () => {
    const [a, b, c] = [new Parameter(2), new Parameter(3), new Parameter(1)];
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.5, amsgrad: true }], { lr: 0.01, weightDecay: 0.1 });
    for (const p of [a, c]) p.grad!.fill(1);
    b.grad = null;
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(Object.keys(sd.state[2])).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.state[0].exp_avg).toBeInstanceOf(Float32Array);
    expect(sd.param_groups).toEqual([
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, decoupled_weight_decay: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0, 1] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: true, maximize: false, decoupled_weight_decay: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [2] },
    ]);
    expect(new AdamW([a]).stateDict().param_groups[0]).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, maximize: false, foreach: null, capturable: false, params: [0] });
    expect(new SGD([a]).stateDict().param_groups[0]).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0] });
  });

  it('returns copies, and copies what it loads', () => {
    const a = new Parameter(3);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad!.fill(1);
    opt.step();
    const sd = opt.stateDict();
    (sd.state[0].momentum_buffer as Float32Array).fill(42);
    expect((opt.state.get(a)!.momentum_buffer as Float32Array)[0]).toBe(1);
    opt.loadStateDict(sd);
    (sd.state[0].momentum_buffer as Float32Array).fill(7);
    expect((opt.state.get(a)!.momentum_buffer as Float32Array)[0]).toBe(42);
  });

  it('loads hyperparameters from the dict (PyTorch names) and ignores implementation flags', () => {
    const a = new Parameter(2);
    const opt = new Adam([a]);
    const sd = opt.stateDict();
    opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], lr: 0.25, weight_decay: 0.5, foreach: true, initial_lr: 0.3 }] });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.25, weightDecay: 0.5, initialLr: 0.3 });
    expect(opt.paramGroups[0]).not.toHaveProperty('foreach');
    expect(opt.stateDict().param_groups[0]).toMatchObject({ lr: 0.25, weight_decay: 0.5, initial_lr: 0.3, foreach: null });
  });
});

describe('all or nothing', () => {
  function trained() {
    const a = Parameter.from([1, 2, 3]);
    const b = Parameter.from([4, 5]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad!.fill(1);
    b.grad!.fill(1);
    opt.step();
    return { opt, a, b, sd: viaJson(opt.stateDict()) };
  }

  it.each([
    ['a different group count', (sd: StateDictInput) => ({ ...sd, param_groups: [sd.param_groups[0]] }), /has 1 param groups but the optimizer has 2/],
    ['a different parameter count', (sd: StateDictInput) => ({ ...sd, param_groups: [sd.param_groups[0], { ...sd.param_groups[1], params: [1, 2] }] }), /param_groups\[1\] has 2 params but paramGroups\[1\] has 1/],
    ['a buffer of the wrong length (in the last entry)', (sd: StateDictInput) => ({ ...sd, state: { ...sd.state, 1: { ...sd.state[1], exp_avg_sq: [1, 2, 3] } } }), /state\[1\]\.exp_avg_sq has 3 elements but its parameter has 2/],
    ['a missing buffer', (sd: StateDictInput) => ({ ...sd, state: { ...sd.state, 1: { step: 1, exp_avg: [0, 0] } } }), /state\[1\]\.exp_avg_sq is missing/],
    ['a non-numeric buffer', (sd: StateDictInput) => ({ ...sd, state: { ...sd.state, 1: { ...sd.state[1], exp_avg: 'x' } } }), /state\[1\]\.exp_avg must be a Float32Array or an array of numbers/],
    ['a bad step', (sd: StateDictInput) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], step: -1 } } }), /state\[0\]\.step must be a finite number >= 0/],
    ['an unknown parameter id', (sd: StateDictInput) => ({ ...sd, state: { ...sd.state, 9: sd.state[0] } }), /state\[9\] does not belong to any param group/],
    ['an invalid hyperparameter', (sd: StateDictInput) => ({ ...sd, param_groups: [sd.param_groups[0], { ...sd.param_groups[1], betas: [0.9, 1.5] }] }), /Expected a pair of finite numbers in \[0, 1\) for param_groups\[1\]\.betas but received \[0\.9, 1\.5\]/],
    ['not a state dict', () => ({}) as StateDictInput, /expected an object with state and param_groups/],
  ] as [string, (sd: StateDictInput) => StateDictInput, RegExp][])('refuses %s and changes nothing', (_label, corrupt, message) => {
    const { opt, sd } = trained();
    const fresh = trained();
    const before = viaJson(opt.stateDict());
    const modified = viaJson(fresh.opt.stateDict());
    modified.param_groups[0].lr = 0.001; // would change group 0 if loading were not atomic
    (modified.state[0] as Record<string, unknown>).step = 99;
    expect(() => opt.loadStateDict(corrupt(modified))).toThrow(message);
    expect(viaJson(opt.stateDict())).toEqual(before);
    expect(sd).toEqual(before);
  });
});
