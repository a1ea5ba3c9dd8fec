/**
 * The learning-rate range test on a real problem (the UCI digits, a 64-32-10 MLP): the sweep,
 * the stop at divergence, a suggestion that trains well where the ends of the sweep do not,
 * and the parameters and optimizer state restored exactly, even when the training step throws.
 */
import { describe, expect, it } from 'vitest';

import { Adam, lrRangeTest, SGD, type Optimizer } from '../src/index.js';
import { digits, lossAndGrad, MLP } from './helpers/digits.js';

const BATCH = 32;
const json = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));

/** Train loss after `steps` steps at a fixed lr from the same initialization. */
function trainedLoss(make: (m: MLP) => Optimizer<{ lr: number }>, lr: number, steps: number): number {
  const model = new MLP(32, 7);
  const opt = make(model);
  opt.paramGroups.forEach((g) => (g.lr = lr));
  for (let i = 0; i < steps; i++) {
    lossAndGrad(model, digits.train, i, BATCH);
    opt.step();
  }
  return model.loss(digits.train.x, digits.train.y, digits.train.count);
}

const sgd = (m: MLP) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }) as unknown as Optimizer<{ lr: number }>;
const adam = (m: MLP) => new Adam(m.parameters(), { lr: 1e-3 }) as unknown as Optimizer<{ lr: number }>;

describe('lrRangeTest on the digits', () => {
  it('SGD: sweeps exponentially, stops at divergence, suggests an lr that trains, restores everything', () => {
    const model = new MLP(32, 7);
    const opt = sgd(model);
    // some training first, so there is optimizer state (momentum buffers) to restore
    for (let i = 0; i < 5; i++) {
      lossAndGrad(model, digits.train, 1000 + i, BATCH);
      opt.step();
    }
    const data = model.parameters().map((p) => p.data.slice());
    const state = json(opt.stateDict());

    const r = lrRangeTest(opt, { trainStep: (i) => lossAndGrad(model, digits.train, i, BATCH), startLr: 1e-5, endLr: 1000, numIters: 100 });

    expect(r.stoppedEarly).toBe('diverged');
    expect(r.lrs.length).toBeLessThan(100);
    expect(r.lrs.length).toBeGreaterThan(50);
    expect(r.losses.length).toBe(r.lrs.length);
    expect(r.smoothedLosses.length).toBe(r.lrs.length);
    expect(r.lrs[0]).toBe(1e-5);
    const ratio = 10 ** (8 / 99);
    r.lrs.slice(1).forEach((lr, i) => expect(lr / r.lrs[i]).toBeCloseTo(ratio, 12));
    // the divergence: the last smoothed loss is over 5x the best one
    expect(r.smoothedLosses[r.smoothedLosses.length - 1]).toBeGreaterThan(5 * Math.min(...r.smoothedLosses));

    // restored: parameters bit for bit, optimizer state (buffers, lr) as before
    model.parameters().forEach((p, i) => expect(p.data).toEqual(data[i]));
    expect(json(opt.stateDict())).toEqual(state);

    // the suggestion trains; the sweep's ends do not
    const lr = r.suggestedLr!;
    expect(lr).toBeGreaterThan(1e-3);
    expect(lr).toBeLessThan(r.lrs[r.lrs.length - 1]);
    const good = trainedLoss(sgd, lr, 150);
    expect(good).toBeLessThan(0.5);
    expect(trainedLoss(sgd, 1e-5, 150)).toBeGreaterThan(2);
    const diverging = trainedLoss(sgd, r.lrs[r.lrs.length - 1], 150);
    expect(Number.isFinite(diverging) ? diverging : Infinity).toBeGreaterThan(4 * good);
    expect(r.minLossLr).toBeGreaterThan(lr);
  });

  it('Adam, a linear sweep without smoothing: runs to the end, restores Adam state', () => {
    const model = new MLP(32, 8);
    const opt = adam(model);
    lossAndGrad(model, digits.train, 0, BATCH);
    opt.step();
    const data = model.parameters().map((p) => p.data.slice());
    const state = json(opt.stateDict());
    const r = lrRangeTest(opt, {
      trainStep: (i) => lossAndGrad(model, digits.train, i, BATCH),
      startLr: 1e-4,
      endLr: 2e-2,
      numIters: 40,
      mode: 'linear',
      smoothing: 0,
      divergeThreshold: Infinity,
    });
    expect(r.stoppedEarly).toBeNull();
    expect(r.lrs.length).toBe(40);
    r.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(1e-4 + ((2e-2 - 1e-4) * i) / 39, 15));
    expect(r.smoothedLosses).toEqual(r.losses);
    expect(r.losses[39]).toBeLessThan(r.losses[0]);
    model.parameters().forEach((p, i) => expect(p.data).toEqual(data[i]));
    expect(json(opt.stateDict())).toEqual(state);
    expect(opt.paramGroups[0].lr).toBe(1e-3);
  });

  it('stops at a non-finite loss, and restores even when the training step throws', () => {
    const model = new MLP(16, 9);
    const opt = sgd(model);
    const data = model.parameters().map((p) => p.data.slice());
    const r = lrRangeTest(opt, { trainStep: (i) => (i === 12 ? NaN : lossAndGrad(model, digits.train, i, BATCH)), numIters: 30 });
    expect(r.stoppedEarly).toBe('non-finite');
    expect(r.lrs.length).toBe(12);
    expect(r.suggestedLr).toBeNull(); // 12 points, 10 + 5 skipped
    expect(() =>
      lrRangeTest(opt, {
        trainStep: (i) => {
          if (i === 20) throw new Error('out of data');
          return lossAndGrad(model, digits.train, i, BATCH);
        },
        startLr: 1e-3,
        endLr: 1,
      }),
    ).toThrow('out of data');
    model.parameters().forEach((p, i) => expect(p.data).toEqual(data[i]));
    expect(opt.state.size).toBe(0);
    expect(opt.paramGroups[0].lr).toBe(0.05);
    expect(() => lrRangeTest(opt, { trainStep: () => 1, startLr: 1, endLr: 0.1 })).toThrow('Expected a finite number > 1 for endLr but received 0.1');
  });
});
