/**
 * The pure schedules: optax's documented values, the same sequences as PyTorch's schedulers
 * where both define one (from the PyTorch fixtures), joinSchedules, and ScheduleDriver driving
 * an optimizer's lr and other hyperparameters, resumed from its state dict.
 */
import { describe, expect, it } from 'vitest';

import {
  Adam,
  constantSchedule,
  cosineDecaySchedule,
  CosineAnnealingLR,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  Parameter,
  piecewiseConstantSchedule,
  piecewiseInterpolateSchedule,
  polynomialSchedule,
  ScheduleDriver,
  SequentialLR,
  sgdrSchedule,
  SGD,
  warmupCosineDecaySchedule,
  type Schedule,
} from '../src/index.js';
import { expectClose } from './helpers/close.js';
import { loadSchedulerCases } from './helpers/scheduler-cases.js';

const cases = loadSchedulerCases();
const torch = (label: string) => {
  const c = cases.find((x) => x.label === label);
  if (!c) throw new Error(`no fixture ${label}`);
  return c.lrs.map((g) => g[0]);
};
const values = (s: Schedule, n: number) => Array.from({ length: n }, (_, t) => s(t));

describe('optax values', () => {
  it('polynomialSchedule with a transition begin', () => {
    const s = polynomialSchedule({ initValue: 1, endValue: 0.01, transitionSteps: 100, transitionBegin: 5, power: 2 });
    expect([0, 5, 6, 104, 105, 110].map((t) => s(t).toFixed(4))).toEqual(['1.0000', '1.0000', '0.9803', '0.0101', '0.0100', '0.0100']);
    expect(polynomialSchedule({ initValue: 3, endValue: 0, power: 1, transitionSteps: 0 })(50)).toBe(3);
  });

  it('piecewise constant and interpolated', () => {
    const c = piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 100: 0.1, 200: 0.01 } });
    expect([c(50), c(100), c(150), c(250)]).toEqual([1, 0.1, 0.1, 0.1 * 0.01]);
    const l = piecewiseInterpolateSchedule({ interpolateType: 'linear', initValue: 1, boundariesAndScales: { 4: 0.1, 8: 0.01 } });
    expectClose([0, 2, 4, 6, 8, 10].map(l), [1, 0.55, 0.1, 0.0505, 0.001, 0.001], 1e-12, 1e-30, 'linear');
    const k = piecewiseInterpolateSchedule({ interpolateType: 'cosine', initValue: 1, boundariesAndScales: { 10: 0.5 } });
    expectClose([k(0), k(5), k(10), k(20)], [1, 0.75, 0.5, 0.5], 1e-12, 1e-30, 'cosine');
    expect(() => piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 10: -1 } })).toThrow(RangeError);
  });

  it('exponential decay: continuous, staircase, begin, end value', () => {
    const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 });
    expectClose([s(0), s(5), s(10), s(20)], [1, Math.SQRT1_2, 0.5, 0.25], 1e-12, 1e-30, 'continuous');
    const st = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, staircase: true, transitionBegin: 3, endValue: 0.3 });
    expect([st(0), st(3), st(12), st(13), st(23), st(100)]).toEqual([1, 1, 1, 0.5, 0.3, 0.3]);
    const up = exponentialDecay({ initValue: 1, transitionSteps: 1, decayRate: 2, endValue: 5 });
    expect([up(1), up(2), up(3)]).toEqual([2, 4, 5]);
  });

  it('cosine decay with alpha and exponent, constant after decaySteps', () => {
    const s = cosineDecaySchedule({ initValue: 2, decaySteps: 10, alpha: 0.1, exponent: 2 });
    expect(s(0)).toBe(2);
    expectClose([s(5)], [2 * (0.9 * 0.25 + 0.1)], 1e-12, 1e-30, 'mid');
    expect(s(10)).toBeCloseTo(0.2, 15);
    expect(s(1000)).toBe(s(10));
  });

  it('constant', () => {
    expect(values(constantSchedule(0.3), 5)).toEqual([0.3, 0.3, 0.3, 0.3, 0.3]);
  });
});

describe('the same sequences as PyTorch schedulers', () => {
  const RTOL = 1e-9;
  it('cosineDecaySchedule = CosineAnnealingLR up to tMax', () => {
    const expected = torch('CosineAnnealingLR(tMax=100, etaMin=0.001) on SGD(lr=0.1)').slice(0, 101);
    expectClose(values(cosineDecaySchedule({ initValue: 0.1, decaySteps: 100, alpha: 0.01 }), 101), expected, RTOL, 1e-30, 'cosine');
  });

  it('polynomialSchedule = PolynomialLR, exponentialDecay = ExponentialLR, piecewiseConstant = MultiStepLR', () => {
    expectClose(values(polynomialSchedule({ initValue: 0.1, endValue: 0, power: 2, transitionSteps: 100 }), 121), torch('PolynomialLR(totalIters=100, power=2.0) on SGD(lr=0.1)'), RTOL, 1e-30, 'poly');
    expectClose(values(exponentialDecay({ initValue: 0.1, transitionSteps: 1, decayRate: 0.95 }), 121), torch('ExponentialLR(gamma=0.95) on SGD(lr=0.1)'), RTOL, 1e-30, 'exp');
    expectClose(
      values(piecewiseConstantSchedule({ initValue: 0.1, boundariesAndScales: { 30: 0.1, 80: 0.1 } }), 121),
      torch('MultiStepLR(milestones=[30, 80], gamma=0.1) on SGD(lr=0.1)'),
      RTOL,
      1e-30,
      'piecewise',
    );
  });

  it('warmupCosineDecaySchedule = SequentialLR(LinearLR, CosineAnnealingLR)', () => {
    const expected = torch('SequentialLR([LinearLR(startFactor=0.01, totalIters=10), CosineAnnealingLR(tMax=110)], milestones=[10]) on SGD(lr=0.1)');
    const s = warmupCosineDecaySchedule({ initValue: 0.001, peakValue: 0.1, warmupSteps: 10, decaySteps: 120 });
    expectClose(values(s, 121), expected, RTOL, 1e-30, 'warmup cosine');
  });

  it('sgdrSchedule = CosineAnnealingWarmRestarts', () => {
    const expected = torch('CosineAnnealingWarmRestarts(t0=10, tMult=2, etaMin=0.001) on SGD(lr=0.1)');
    const s = sgdrSchedule([10, 20, 40, 80].map((decaySteps) => ({ initValue: 0.1, peakValue: 0.1, warmupSteps: 0, decaySteps, endValue: 0.001 })));
    expectClose(values(s, 121), expected, RTOL, 1e-30, 'sgdr');
  });
});

describe('joinSchedules', () => {
  it('hands over at each boundary, each schedule from its own step 0', () => {
    const s = joinSchedules([(t) => t, (t) => 100 + t, (t) => 1000 + t], [3, 5]);
    expect(values(s, 8)).toEqual([0, 1, 2, 100, 101, 1000, 1001, 1002]);
    expect(() => joinSchedules([(t) => t], [3])).toThrow(/one fewer/);
    expect(() => joinSchedules([(t) => t, (t) => t, (t) => t], [5, 3])).toThrow('Expected a finite number >= 5 for boundaries[1] but received 3');
    expect(() => linearSchedule({ initValue: 0, endValue: 1, transitionSteps: -1 })).toThrow('Expected an integer >= 0 for transitionSteps but received -1');
  });
});

describe('ScheduleDriver', () => {
  const warmupCosine = warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.1, warmupSteps: 5, decaySteps: 50 });

  it('writes schedule(0) at construction and schedule(t) after t steps, per group', () => {
    const opt = new SGD([{ params: [new Parameter(2)] }, { params: [new Parameter(2)] }], { lr: 1 });
    const half: Schedule = (t) => warmupCosine(t) / 2;
    const driver = new ScheduleDriver(opt, { schedule: [warmupCosine, half] });
    for (let t = 0; t <= 60; t++) {
      expect(opt.paramGroups.map((g) => g.lr)).toEqual([warmupCosine(t), half(t)]);
      expect(driver.getLastLr()).toEqual([warmupCosine(t), half(t)]);
      opt.step();
      driver.step();
    }
    expect(opt.stateDict().param_groups[0].initial_lr).toBe(1);
  });

  it('drives any hyperparameter, a list element too (Adam beta1), validated at the optimizer step', () => {
    const opt = new Adam([new Parameter(2)], { lr: 1e-3, betas: [0.9, 0.999], weightDecay: 0 });
    const wd = new ScheduleDriver(opt, { key: 'weightDecay', schedule: linearSchedule({ initValue: 0, endValue: 0.1, transitionSteps: 10 }) });
    const beta = new ScheduleDriver(opt, { key: 'betas', index: 0, schedule: (t) => 0.95 - 0.01 * t });
    for (let t = 0; t < 12; t++) {
      opt.step();
      wd.step();
      beta.step();
    }
    expect(opt.paramGroups[0].weightDecay).toBeCloseTo(0.1, 15);
    expect(opt.paramGroups[0].betas).toEqual([0.95 - 0.01 * 12, 0.999]);
    expect(opt.paramGroups[0].lr).toBe(1e-3);
    const bad = new ScheduleDriver(opt, { key: 'eps', schedule: () => -1 });
    expect(bad.getLastValues()).toEqual([-1]);
    expect(() => opt.step()).toThrow('Expected a finite number >= 0 for paramGroups[0].eps but received -1');
    expect(() => new ScheduleDriver(opt, { key: 'nope', schedule: () => 1 })).toThrow(/paramGroups\[0\]\.nope is not a number/);
  });

  it('resumes exactly from its state dict, and composes in SequentialLR', () => {
    const make = () => {
      const opt = new SGD([new Parameter(2)], { lr: 0.1 });
      const sched = new SequentialLR(opt, {
        schedulers: [new ScheduleDriver(opt, { schedule: linearSchedule({ initValue: 0.01, endValue: 0.1, transitionSteps: 10 }) }), new CosineAnnealingLR(opt, { tMax: 40 })],
        milestones: [10],
      });
      return { opt, sched };
    };
    const full = make();
    const lrs = [full.opt.paramGroups[0].lr];
    for (let t = 0; t < 50; t++) {
      full.sched.step();
      lrs.push(full.opt.paramGroups[0].lr);
    }
    expectClose(lrs.slice(0, 10), values(linearSchedule({ initValue: 0.01, endValue: 0.1, transitionSteps: 10 }), 10), 1e-15, 1e-30, 'warmup');
    expectClose(lrs.slice(10), values(cosineDecaySchedule({ initValue: 0.1, decaySteps: 40 }), 41), 1e-9, 1e-30, 'cosine');
    for (const stop of [3, 10, 27]) {
      const a = make();
      for (let t = 0; t < stop; t++) a.sched.step();
      const saved = JSON.parse(JSON.stringify(a.sched.stateDict()));
      const b = make();
      b.sched.loadStateDict(saved);
      for (let t = stop; t < 50; t++) {
        b.sched.step();
        expect(b.opt.paramGroups[0].lr).toBe(lrs[t + 1]);
      }
    }
    const driver = new ScheduleDriver(new SGD([new Parameter(2)]), { schedule: warmupCosine });
    expect(() => driver.loadStateDict({ count: 3, key: 'momentum', index: null, _last_values: [0.5] })).toThrow(/drives momentum/);
  });
});
