/**
 * RMSprop, Adagrad, Adadelta and Adamax beyond the shared tables (PyTorch parity in
 * torch-parity, native vs JS in native-vs-js, resume in state-dict): PyTorch's defaults and
 * group keys, validation messages, when state appears, steps that fail without changing
 * anything, and NaN propagation through Adamax's infinity norm.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adadelta, Adagrad, Adamax, Parameter, RMSprop } from '../src/index.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

const p = () => [new Parameter(3)];

describe('PyTorch defaults and param_groups keys', () => {
  it.each([
    ['RMSprop', () => new RMSprop(p()), { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false, foreach: null, differentiable: false }],
    ['Adagrad', () => new Adagrad(p()), { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false, foreach: null }],
    ['Adadelta', () => new Adadelta(p()), { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false, foreach: null }],
    ['Adamax', () => new Adamax(p()), { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false, foreach: null }],
  ] as const)('%s', (_name, make, group) => {
    expect(make().stateDict().param_groups).toEqual([{ ...group, params: [0] }]);
  });
});

describe('hyperparameter validation', () => {
  it.each([
    [() => new RMSprop(p(), { alpha: -0.5 }), RangeError, 'Expected a finite number >= 0 for alpha but received -0.5'],
    [() => new RMSprop(p(), { momentum: -1 }), RangeError, 'Expected a finite number >= 0 for momentum but received -1'],
    [() => new RMSprop(p(), { centered: 'yes' as never }), TypeError, 'Expected a boolean for centered but received "yes"'],
    [() => new Adagrad(p(), { lrDecay: -0.1 }), RangeError, 'Expected a finite number >= 0 for lrDecay but received -0.1'],
    [() => new Adagrad(p(), { initialAccumulatorValue: -1 }), RangeError, 'Expected a finite number >= 0 for initialAccumulatorValue but received -1'],
    [() => new Adagrad(p(), { eps: Number.NaN }), RangeError, 'Expected a finite number >= 0 for eps but received NaN'],
    [() => new Adadelta(p(), { rho: 1.5 }), RangeError, 'Expected a finite number in [0, 1] for rho but received 1.5'],
    [() => new Adadelta([{ params: p() }, { params: p(), weightDecay: -1 }]), RangeError, 'Expected a finite number >= 0 for paramGroups[1].weightDecay but received -1'],
    [() => new Adamax(p(), { betas: [0.9, 1] }), TypeError, 'Expected a pair of finite numbers in [0, 1) for betas but received [0.9, 1]'],
    [() => new Adamax(p(), { maximize: 'no' as never }), TypeError, 'Expected a boolean for maximize but received "no"'],
  ])('%#', (make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });
});

describe.each(allTargets)('$name', (target) => {
  it('Adagrad has state from the moment a parameter is added, filled with the constructor value', () => {
    target.use();
    const [a, b, c] = [new Parameter(2), new Parameter(3), new Parameter(1)];
    const opt = new Adagrad([{ params: [a] }, { params: [b], initialAccumulatorValue: 0.5 }], { initialAccumulatorValue: 0.25 });
    opt.addParamGroup({ params: [c] });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1', '2']);
    expect(sd.state[0].step).toBe(0);
    // As PyTorch: a group's own initialAccumulatorValue does not change its accumulators.
    expect(Array.from(sd.state[1].sum as Float32Array)).toEqual([0.25, 0.25, 0.25]);
    a.grad!.set([1, -1]);
    b.grad = null;
    c.grad!.set([2]);
    opt.step();
    expect(opt.state.get(a)!.step).toBe(1);
    expect(opt.state.get(b)!.step).toBe(0);
    expect(Array.from(opt.state.get(a)!.sum as Float32Array)).toEqual([1.25, 1.25]);
    // p -= lr g / (sqrt(sum) + eps), lr 1e-2
    expect(a.data[0]).toBeCloseTo(-1e-2 / Math.sqrt(1.25), 7);
  });

  it('RMSprop, Adadelta and Adamax create state at the first step; RMSprop only the buffers its options need', () => {
    target.use();
    const [a, b] = [new Parameter(2), new Parameter(2)];
    const rms = new RMSprop([{ params: [a] }, { params: [b], momentum: 0.9, centered: true }]);
    expect(rms.stateDict().state).toEqual({});
    rms.step();
    expect(Object.keys(rms.stateDict().state[0])).toEqual(['step', 'square_avg']);
    expect(Object.keys(rms.stateDict().state[1])).toEqual(['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
    // A group that turns momentum on later gets its buffer then (PyTorch would fail).
    rms.paramGroups[0].momentum = 0.5;
    rms.step();
    expect(Object.keys(rms.stateDict().state[0])).toEqual(['step', 'square_avg', 'momentum_buffer']);
    for (const opt of [new Adadelta([a]), new Adamax([a])]) {
      expect(opt.stateDict().state).toEqual({});
      opt.step();
      expect(opt.stateDict().state[0].step).toBe(1);
    }
  });

  it.each([
    ['RMSprop', (ps: Parameter[]) => new RMSprop(ps, { momentum: 0.9, centered: true })],
    ['Adagrad', (ps: Parameter[]) => new Adagrad(ps, { initialAccumulatorValue: 0.1 })],
    ['Adadelta', (ps: Parameter[]) => new Adadelta(ps)],
    ['Adamax', (ps: Parameter[]) => new Adamax(ps)],
  ] as const)('%s: a step the kernel refuses changes nothing', (_name, make) => {
    target.use();
    const a = Parameter.from([1, 2, 3]);
    const b = Parameter.from([4, 5]);
    const opt = make([a, b]);
    a.grad!.fill(1);
    b.grad!.fill(1);
    opt.step();
    const before = JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v));
    const data = [a.data.slice(), b.data.slice()];
    b.grad = b.data; // a gradient that is its own parameter: the kernel refuses the whole group
    expect(() => opt.step()).toThrow(/overlap in memory/);
    expect(JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v))).toBe(before);
    expect([a.data, b.data]).toEqual(data);
  });

  it('Adamax keeps a NaN in exp_inf, as torch.amax does', () => {
    target.use();
    const w = Parameter.from([1, 2, 3]);
    const opt = new Adamax([w], { lr: 0.1 });
    w.grad!.set([Number.NaN, 1, Number.POSITIVE_INFINITY]);
    opt.step();
    w.grad!.set([1, 1, 1]);
    opt.step();
    // PyTorch 1.13 gives exp_inf [nan, 1, inf] and params [nan, 1.8, nan] here.
    expect(Array.from(opt.state.get(w)!.exp_inf as Float32Array)).toEqual([Number.NaN, 1, Number.POSITIVE_INFINITY]);
    expect(w.data[0]).toBeNaN();
    expect(w.data[1]).toBeCloseTo(1.8, 6);
    expect(w.data[2]).toBeNaN();
  });
});
