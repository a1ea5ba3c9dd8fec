/**
 * Every PyTorch scheduler against PyTorch's own learning-rate sequences (and cycled momentum),
 * many configurations each, 120 steps, to 1e-9 relative; the keys they leave in the optimizer's
 * param groups; and resume from state dicts at several points, in every loading order, against
 * the uninterrupted run. Fixtures: test/fixtures/torch/lr-schedulers.json (PyTorch 1.13).
 */
import { describe, expect, it } from 'vitest';

import {
  Adam,
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  OneCycleLR,
  Parameter,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
  type SchedulerStateDict,
  type StateDictInput,
} from '../src/index.js';
import { expectClose } from './helpers/close.js';
import {
  buildOptimizer,
  buildScheduler,
  cycledMomentum,
  groupLrs,
  loadSchedulerCases,
  stepCase,
  type SchedulerCase,
} from './helpers/scheduler-cases.js';

const RTOL = 1e-9;
const FLOOR = 1e-300; // exact zeros must stay exact

const cases = loadSchedulerCases();
const byLabel = cases.map((c) => [c.label, c] as const);

/** Our uninterrupted run of a case: the learning rates and cycled momentum after construction and each step. */
function run(c: SchedulerCase) {
  const opt = buildOptimizer(c);
  const sched = buildScheduler(opt, c.scheduler);
  const lrs = [groupLrs(opt)];
  const last = [sched.getLastLr()];
  const momentum = [cycledMomentum(c, opt)];
  for (let t = 0; t < c.steps; t++) {
    stepCase(c, opt, sched, t);
    lrs.push(groupLrs(opt));
    last.push(sched.getLastLr());
    momentum.push(cycledMomentum(c, opt));
  }
  return { opt, sched, lrs, last, momentum };
}

/** What PyTorch 2.x writes in a group that 1.13 (the fixtures) does not. */
function newerTorchKeys(c: SchedulerCase): string[] {
  const keys = ['decoupled_weight_decay'];
  const hasCyclic = JSON.stringify(c.scheduler).includes('"CyclicLR"');
  if (hasCyclic && c.scheduler.options.cycleMomentum !== false) keys.push('base_momentum', 'max_momentum');
  return keys;
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));

describe('PyTorch sequences', () => {
  it.each(byLabel)('%s', (_label, c) => {
    const ours = run(c);
    expect(ours.lrs.length).toBe(c.lrs.length);
    ours.lrs.forEach((lrs, t) => {
      expectClose(lrs, c.lrs[t], RTOL, FLOOR, `lr after ${t} steps`);
      expectClose(ours.last[t], c.lastLrs[t], RTOL, FLOOR, `getLastLr() after ${t} steps`);
      if (c.momentum) expectClose(ours.momentum[t], c.momentum[t], RTOL, FLOOR, `${c.cycled} after ${t} steps`);
    });
    // The keys PyTorch leaves in the optimizer's groups (initial_lr, max_lr, ...).
    const fresh = buildOptimizer(c);
    buildScheduler(fresh, c.scheduler);
    const extra = newerTorchKeys(c).filter((k) => !c.groupKeys.includes(k));
    const keys = Object.keys(fresh.stateDict().param_groups[0]).filter((k) => k !== 'params' && !extra.includes(k));
    expect(keys.sort()).toEqual(c.groupKeys);
  });

  it('covers every scheduler, each in several configurations of at least 100 steps', () => {
    const count = new Map<string, number>();
    for (const c of cases) {
      expect(c.steps).toBeGreaterThanOrEqual(100);
      count.set(c.scheduler.type, (count.get(c.scheduler.type) ?? 0) + 1);
    }
    const names = [
      'LambdaLR', 'MultiplicativeLR', 'StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR', 'ExponentialLR', 'SequentialLR',
      'CosineAnnealingLR', 'ChainedScheduler', 'ReduceLROnPlateau', 'CyclicLR', 'CosineAnnealingWarmRestarts', 'OneCycleLR', 'PolynomialLR',
    ];
    for (const n of names) expect(count.get(n) ?? 0, n).toBeGreaterThanOrEqual(2);
    expect([...count.keys()].sort()).toEqual([...names].sort());
    // two param groups with their own learning rates, for most schedulers
    expect(cases.filter((c) => c.groups).length).toBeGreaterThanOrEqual(15);
  });
});

describe('resume from state dicts', () => {
  type Order = 'optimizer first' | 'scheduler built before the optimizer is loaded' | 'scheduler state only';
  const orders: Order[] = ['optimizer first', 'scheduler built before the optimizer is loaded', 'scheduler state only'];

  it.each(byLabel)('%s', (_label, c) => {
    const full = run(c);
    for (const stop of [1, 7, 33, 64, c.steps - 1]) {
      for (const order of orders) {
        const opt = buildOptimizer(c);
        const sched = buildScheduler(opt, c.scheduler);
        for (let t = 0; t < stop; t++) stepCase(c, opt, sched, t);
        const savedOpt = json(opt.stateDict()) as StateDictInput;
        const savedSched = json(sched.stateDict()) as SchedulerStateDict;
        expect(savedSched, 'a state dict is plain JSON').toEqual(sched.stateDict());

        const opt2 = buildOptimizer(c);
        let sched2;
        if (order === 'optimizer first') {
          // PyTorch gets this order wrong: the scheduler's first step changes the loaded lr
          // (LinearLR, ConstantLR) and its load_state_dict does not put it back.
          opt2.loadStateDict(savedOpt);
          sched2 = buildScheduler(opt2, c.scheduler);
          sched2.loadStateDict(savedSched);
        } else if (order === 'scheduler built before the optimizer is loaded') {
          sched2 = buildScheduler(opt2, c.scheduler);
          sched2.loadStateDict(savedSched);
          opt2.loadStateDict(savedOpt);
        } else {
          // PyTorch: the lr stays the fresh optimizer's.
          sched2 = buildScheduler(opt2, c.scheduler);
          sched2.loadStateDict(savedSched);
        }
        const where = `stopped after ${stop}, ${order}`;
        expect(groupLrs(opt2), where).toEqual(full.lrs[stop]);
        expect(sched2.getLastLr(), where).toEqual(full.last[stop]);
        for (let t = stop; t < c.steps; t++) {
          stepCase(c, opt2, sched2, t);
          expect(groupLrs(opt2), `${where}, step ${t + 1}`).toEqual(full.lrs[t + 1]);
          expect(cycledMomentum(c, opt2), `${where}, step ${t + 1}`).toEqual(full.momentum[t + 1]);
        }
        expect(sched2.stateDict(), where).toEqual(full.sched.stateDict());
      }
    }
  });
});

describe('beyond the fixtures', () => {
  it('CyclicLR cycles Adam\'s beta1 exactly as it cycles SGD\'s momentum (PyTorch 2.x; 1.13 refused Adam)', () => {
    const c = cases.find((x) => x.label.startsWith('CyclicLR(baseLr=0.01, maxLr=0.1, stepSizeUp=10)'))!;
    const opt = new Adam([new Parameter(2)], { lr: 1e-3, betas: [0.9, 0.98] });
    const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10 });
    for (let t = 0; t <= c.steps; t++) {
      expectClose([opt.paramGroups[0].betas[0]], c.momentum![t], RTOL, FLOOR, `beta1 after ${t}`);
      expect(opt.paramGroups[0].betas[1]).toBe(0.98);
      expectClose([opt.paramGroups[0].lr], c.lrs[t], RTOL, FLOOR, `lr after ${t}`);
      opt.step();
      if (t < c.steps) sched.step();
    }
    expect(opt.stateDict().param_groups[0]).toMatchObject({ initial_lr: 0.01, max_momentum: 0.9, base_momentum: 0.8 });
  });

  it('user functions are not saved; a resumed LambdaLR needs them again', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1 });
    const sched = new LambdaLR(opt, { lrLambda: (e) => 0.9 ** e });
    sched.step();
    const sd = sched.stateDict();
    expect(JSON.stringify(sd)).toBe(JSON.stringify(json(sd)));
    expect(Object.values(sd).some((v) => typeof v === 'function')).toBe(false);
    expect(sd).toEqual({ last_epoch: 1, base_lrs: [0.1], _last_lr: [0.1 * 0.9] });
  });

  it('OneCycleLR refuses a step past totalSteps and changes nothing', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1, momentum: 0.9 });
    const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5 });
    for (let i = 0; i < 5; i++) sched.step();
    const before = sched.stateDict();
    expect(() => sched.step()).toThrow(RangeError);
    expect(sched.stateDict()).toEqual(before);
    expect(() => new OneCycleLR(new SGD([new Parameter(2)], { lr: 0.1, momentum: 0.9 }), { maxLr: 0.1, totalSteps: 3, pctStart: 0.2 })).toThrow(
      /empty phase/,
    );
  });

  it('loadStateDict checks everything first: a bad nested entry changes nothing', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1 });
    const seq = new SequentialLR(opt, {
      schedulers: [new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }), new StepLR(opt, { stepSize: 3 })],
      milestones: [5],
    });
    for (let i = 0; i < 8; i++) seq.step();
    const good = seq.stateDict();
    const fresh = new SGD([new Parameter(2)], { lr: 0.1 });
    const seq2 = new SequentialLR(fresh, {
      schedulers: [new LinearLR(fresh, { startFactor: 0.1, totalIters: 5 }), new StepLR(fresh, { stepSize: 3 })],
      milestones: [5],
    });
    const before = seq2.stateDict();
    const lr = fresh.paramGroups[0].lr;
    const bad = json(good);
    bad._schedulers[1].step_size = 0;
    expect(() => seq2.loadStateDict(bad)).toThrow('Expected an integer >= 1 for StepLR state step_size but received 0');
    expect(seq2.stateDict()).toEqual(before);
    expect(fresh.paramGroups[0].lr).toBe(lr);
    expect(() => seq2.loadStateDict({ ...good, _schedulers: [(good._schedulers as SchedulerStateDict[])[0]] })).toThrow(/a list of 2 state dicts/);
    seq2.loadStateDict(good);
    expect(seq2.stateDict()).toEqual(good);
  });

  it('validates options with the library\'s message shape', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1 });
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow('Expected an integer >= 1 for stepSize but received 0');
    expect(() => new StepLR(opt, { stepSize: 2.5 })).toThrow(RangeError);
    expect(() => new ConstantLR(opt, { factor: 0 })).toThrow('Expected a finite number in (0, 1] for factor but received 0');
    expect(() => new LinearLR(opt, { endFactor: 1.5 })).toThrow('Expected a finite number in [0, 1] for endFactor but received 1.5');
    expect(() => new CosineAnnealingLR(opt, {} as never)).toThrow('Expected an integer >= 1 for tMax but received undefined');
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow('Expected a finite number in [0, 1) for factor but received 1');
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as never })).toThrow(TypeError);
    expect(() => new CyclicLR(opt, { baseLr: [0.1, 0.2], maxLr: 1 })).toThrow(/one per param group/);
    expect(() => new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, mode: 'sawtooth' as never })).toThrow(/for mode/);
    expect(() => new LambdaLR(opt, { lrLambda: 3 as never })).toThrow(/for lrLambda/);
    expect(() => new StepLR({} as never, { stepSize: 1 })).toThrow(/expected an optimizer/);
  });

  it('composites need one optimizer and schedulers that step without a metric', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1 });
    const other = new SGD([new Parameter(2)], { lr: 0.1 });
    const a = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new ChainedScheduler([a, new ExponentialLR(other, { gamma: 0.9 })])).toThrow(/another optimizer/);
    expect(() => new ChainedScheduler([])).toThrow(/non-empty/);
    expect(() => new ChainedScheduler([a, new ReduceLROnPlateau(opt) as never])).toThrow(/ReduceLROnPlateau cannot be composed/);
    expect(() => new SequentialLR(opt, { schedulers: [a, new StepLR(opt, { stepSize: 2 })], milestones: [] })).toThrow(/one fewer/);
    expect(() => new SequentialLR(opt, { schedulers: [a, new StepLR(opt, { stepSize: 2 }), a], milestones: [5, 5] })).toThrow(
      'Expected an integer >= 6 for milestones[1] but received 5',
    );
  });

  it('what a scheduler writes is validated by the optimizer at its next step', () => {
    const opt = new SGD([new Parameter(2)], { lr: 0.1 });
    const sched = new ExponentialLR(opt, { gamma: -1 });
    opt.step();
    sched.step();
    expect(() => opt.step()).toThrow('Expected a finite number >= 0 for paramGroups[0].lr but received -0.1');
  });
});
