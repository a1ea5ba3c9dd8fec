/**
 * The TypeScript API around the kernels: parameters, groups, live hyperparameters, zeroGrad,
 * hyperparameter validation (one message shape), and errors that leave everything unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, AdamW, Parameter, SGD, type ParamLike } from '../src/index.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

describe('Parameter', () => {
  it('wraps a Float32Array or allocates zeros, with a gradient buffer by default', () => {
    const data = new Float32Array([1, 2, 3]);
    const p = new Parameter(data);
    expect(p.data).toBe(data);
    expect(Array.from(p.grad!)).toEqual([0, 0, 0]);
    expect(new Parameter(4, { grad: false }).grad).toBeNull();
    expect(Parameter.from([1, 2, 3, 4, 5, 6], { shape: [2, 3] }).shape).toEqual([2, 3]);
    expect(() => new Parameter(-1)).toThrow('Expected a non-negative integer length for Parameter but received -1');
    expect(() => Parameter.from([1, 2, 3], { shape: [2, 2] })).toThrow('Expected a shape with 3 elements for Parameter but received [2, 2]');
    expect(() => new Parameter(new Float32Array(3), { grad: new Float32Array(2) })).toThrow(RangeError);
  });
});

describe('hyperparameter validation', () => {
  const p = () => [new Parameter(3)];
  it.each([
    [() => new SGD(p(), { lr: -1 }), RangeError, 'Expected a finite number >= 0 for lr but received -1'],
    [() => new SGD(p(), { lr: Number.NaN }), RangeError, 'Expected a finite number >= 0 for lr but received NaN'],
    [() => new SGD(p(), { momentum: -0.5 }), RangeError, 'Expected a finite number >= 0 for momentum but received -0.5'],
    [() => new SGD(p(), { nesterov: true }), TypeError, 'Expected false unless momentum > 0 and dampening = 0 for nesterov but received true'],
    [() => new SGD(p(), { weightDecay: -1e-4 }), RangeError, 'Expected a finite number >= 0 for weightDecay but received -0.0001'],
    [() => new Adam(p(), { betas: [0.9, 1] }), TypeError, 'Expected a pair of finite numbers in [0, 1) for betas but received [0.9, 1]'],
    [() => new Adam(p(), { betas: [-0.1, 0.999] }), TypeError, 'Expected a pair of finite numbers in [0, 1) for betas but received [-0.1, 0.999]'],
    [() => new Adam(p(), { eps: -1e-8 }), RangeError, 'Expected a finite number >= 0 for eps but received -1e-8'],
    [() => new Adam(p(), { amsgrad: 'yes' as never }), TypeError, 'Expected a boolean for amsgrad but received "yes"'],
    [() => new AdamW(p(), { lr: Infinity }), RangeError, 'Expected a finite number >= 0 for lr but received Infinity'],
    [() => new Adam([{ params: p() }, { params: p(), lr: -2 }]), RangeError, 'Expected a finite number >= 0 for paramGroups[1].lr but received -2'],
  ])('%#: %s', (make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });

  it('re-validates a group written between steps (a scheduler writing a NaN lr)', () => {
    const w = new Parameter(new Float32Array([1, 2]));
    const opt = new SGD([w], { lr: 0.1 });
    opt.paramGroups[0].lr = Number.NaN;
    expect(() => opt.step()).toThrow('Expected a finite number >= 0 for paramGroups[0].lr but received NaN');
    expect(Array.from(w.data)).toEqual([1, 2]);
  });

  it('uses PyTorch defaults', () => {
    expect(new SGD(p()).defaults).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(new Adam(p()).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false });
    expect(new AdamW(p()).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false });
  });
});

describe('parameter groups', () => {
  it('refuses empty, duplicate and foreign parameters', () => {
    const a = new Parameter(2);
    expect(() => new SGD([])).toThrow('Expected a non-empty list of parameters but received an empty list');
    expect(() => new SGD([a, a])).toThrow('paramGroups[0].params[1] appears twice in the group');
    const opt = new SGD([a]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('paramGroups[1].params[0] already belongs to another param group');
    expect(() => opt.addParamGroup({ params: [{ data: [1, 2] } as unknown as ParamLike] })).toThrow(TypeError);
    expect(opt.paramGroups).toHaveLength(1);
  });

  describe.each(allTargets)('$name', (target) => {
    it('steps each group with its own hyperparameters, live, and skips null grads', () => {
      target.use();
      const a = Parameter.from([1, 1]);
      const b = Parameter.from([1, 1]);
      const c = Parameter.from([1, 1]);
      const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
      opt.addParamGroup({ params: [c], lr: 0.01, maximize: true });
      for (const p of [a, b, c]) p.grad!.fill(1);
      opt.step();
      expect(a.data[0]).toBeCloseTo(0.9, 6);
      expect(b.data[0]).toBeCloseTo(0.5, 6);
      expect(c.data[0]).toBeCloseTo(1.01, 6);
      opt.paramGroups[0].lr = 0.2; // what a scheduler does
      b.grad = null;
      opt.step();
      expect(a.data[0]).toBeCloseTo(0.7, 6);
      expect(b.data[0]).toBeCloseTo(0.5, 6);
      expect(opt.state.get(b)).toEqual({ momentum_buffer: null });
    });

    it('keeps per-parameter Adam step counts (a parameter without grad does not advance)', () => {
      target.use();
      const a = new Parameter(3);
      const b = new Parameter(3);
      const opt = new Adam([a, b], { lr: 0.1 });
      a.grad!.fill(1);
      b.grad = null;
      opt.step();
      opt.step();
      expect(opt.state.get(a)!.step).toBe(2);
      expect(opt.state.has(b)).toBe(false);
      b.grad = new Float32Array(3).fill(1);
      opt.step();
      expect(opt.state.get(a)!.step).toBe(3);
      expect(opt.state.get(b)!.step).toBe(1);
      // First Adam step moves each element by lr (m / sqrt(v) = 1 after bias correction).
      expect(b.data[0]).toBeCloseTo(-0.1, 5);
    });

    it('refuses a gradient of the wrong length and changes nothing', () => {
      target.use();
      const a = Parameter.from([1, 2, 3]);
      const b = Parameter.from([4, 5]);
      const opt = new Adam([a, b], { lr: 0.1 });
      a.grad!.fill(1);
      b.grad = new Float32Array(3);
      expect(() => opt.step()).toThrow('Adam.step: paramGroups[0].params[1].grad has 3 elements but its data has 2');
      expect(Array.from(a.data)).toEqual([1, 2, 3]);
      expect(opt.state.size).toBe(0);
    });

    it('changes nothing when the kernel refuses the group (a detached buffer)', () => {
      target.use();
      const a = Parameter.from([1, 2, 3]);
      const b = Parameter.from([4, 5]);
      const opt = new Adam([a, b], { lr: 0.1 });
      a.grad!.fill(1);
      b.grad!.fill(1);
      opt.step();
      const before = opt.stateDict();
      const expAvg = opt.state.get(b)!.exp_avg as Float32Array;
      structuredClone(expAvg.buffer, { transfer: [expAvg.buffer as ArrayBuffer] });
      expect(() => opt.step()).toThrow(/exp_avg\[1\] is backed by a detached ArrayBuffer/);
      expect(opt.state.get(a)!.step).toBe(1);
      expect(opt.state.get(a)!.exp_avg).toEqual(before.state[0].exp_avg);
      expect(opt.state.get(a)!.exp_avg_sq).toEqual(before.state[0].exp_avg_sq);
      expect(a.data[0]).toBeCloseTo(0.9, 5);
    });
  });
});

describe('zeroGrad and step(closure)', () => {
  it('zeroes gradients in place by default, or sets them to null', () => {
    const a = new Parameter(2);
    const grad = a.grad!;
    grad.fill(3);
    const opt = new SGD([a], { lr: 0.1 });
    opt.zeroGrad();
    expect(a.grad).toBe(grad);
    expect(Array.from(grad)).toEqual([0, 0]);
    opt.zeroGrad({ setToNone: true });
    expect(a.grad).toBeNull();
    opt.step(); // nothing to do
    expect(Array.from(a.data)).toEqual([0, 0]);
  });

  it('returns the closure loss', () => {
    const a = new Parameter(1);
    const opt = new Adam([a]);
    expect(opt.step(() => 1.5)).toBe(1.5);
    expect(opt.step()).toBeUndefined();
  });
});
