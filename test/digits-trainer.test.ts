/**
 * The digits trainer (`npm start`): it really trains (the loss falls, the test accuracy ends far
 * above chance), it is deterministic per seed and backend, the two backends agree, every
 * optimizer and schedule it offers trains, and its command line and chart behave.
 */
import { describe, expect, it } from 'vitest';

import { backendInfo, type BackendName } from '../src/index.js';
import { OPTIMIZERS, SCHEDULES } from '../examples/digits/setup.js';
import { DEFAULT_CONFIG, UsageError, chartOf, comparison, parse, train, type TrainConfig, type TrainResult } from '../examples/digits/train.js';

const config = (backend: BackendName, over: Partial<TrainConfig> = {}): TrainConfig => ({ ...DEFAULT_CONFIG, epochs: 4, seed: 7, backend, ...over });

/** Everything of a run that must repeat exactly (not the timings). */
function numbers(r: TrainResult) {
  return {
    epochs: r.epochs.map(({ trainLoss, trainAccuracy, testLoss, testAccuracy, lr }) => ({ trainLoss, trainAccuracy, testLoss, testAccuracy, lr })),
    lrs: r.lrs,
    weights: r.weights,
  };
}

describe('digits trainer', () => {
  const runs = {
    native: train(config('native')),
    js: train(config('js')),
  };

  it.each(['native', 'js'] as const)('%s: the loss falls and the test accuracy ends well above chance (0.1)', (backend) => {
    const { epochs, testAccuracy } = runs[backend];
    expect(epochs).toHaveLength(4);
    for (let i = 1; i < epochs.length; i++) expect(epochs[i].trainLoss).toBeLessThan(epochs[i - 1].trainLoss);
    expect(epochs[3].trainLoss).toBeLessThan(epochs[0].trainLoss / 3);
    expect(epochs[3].testLoss).toBeLessThan(0.35);
    expect(testAccuracy).toBeGreaterThan(0.93);
    // warmup + cosine: up to the peak, then down to (almost) zero at the last step
    const { lrs } = runs[backend];
    expect(lrs).toHaveLength(runs[backend].steps);
    expect(Math.max(...lrs)).toBeCloseTo(3e-3, 5);
    expect(lrs[0]).toBe(0);
    expect(lrs[lrs.length - 1]).toBeLessThan(1e-5);
  });

  it.each(['native', 'js'] as const)('%s: the same seed gives the same numbers, bit for bit; another seed does not', (backend) => {
    expect(numbers(train(config(backend)))).toEqual(numbers(runs[backend]));
    expect(train(config(backend, { seed: 8, epochs: 1 })).epochs[0].trainLoss).not.toBe(runs[backend].epochs[0].trainLoss);
  });

  it('native and JS runs agree closely (float32 rounding only)', () => {
    const [a, b] = [runs.native, runs.js];
    expect(a.isa).not.toBeNull();
    expect(b.isa).toBeNull();
    a.epochs.forEach((e, i) => {
      expect(Math.abs(e.trainLoss - b.epochs[i].trainLoss)).toBeLessThan(1e-4 * e.trainLoss);
      expect(Math.abs(e.testAccuracy - b.epochs[i].testAccuracy)).toBeLessThanOrEqual(2 / 359); // at most two images
    });
    expect(a.lrs).toEqual(b.lrs);
    let maxDiff = 0;
    a.weights.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b.weights[i][j])))));
    expect(maxDiff).toBeLessThan(1e-4);
    const lines = comparison(a, b).join('\n');
    expect(lines).toContain(`native (${a.isa})`);
    expect(lines).toMatch(/largest difference between the two runs' trained weights: \d\.\d\de-\d/);
  });

  it('switches back to the backend it found', () => {
    expect(backendInfo().backend).toBe('native');
  });

  // Each offered optimizer, with each schedule in turn, learns in two epochs: the loss falls
  // and the test accuracy is far above chance.
  it.each(OPTIMIZERS.map((o, i) => [o, SCHEDULES[i % SCHEDULES.length]] as const))('%s with %s trains', (optimizer, schedule) => {
    const r = train(config('native', { optimizer, schedule, epochs: 2, seed: 1 }));
    expect(r.epochs[1].trainLoss).toBeLessThan(r.epochs[0].trainLoss);
    expect(r.epochs[1].trainLoss).toBeLessThan(Math.log(10)); // below a uniform guess's loss
    expect(r.testAccuracy).toBeGreaterThan(0.5);
  });
});

describe('digits trainer command line', () => {
  it('has the documented defaults', () => {
    expect(parse([])).toEqual({
      config: { ...DEFAULT_CONFIG, lr: undefined, backend: backendInfo().backend },
      out: 'digits-training.svg',
      compare: true,
    });
    expect(DEFAULT_CONFIG).toMatchObject({ optimizer: 'adamw', schedule: 'warmup-cosine', epochs: 30, hidden: 128 });
  });

  it('reads every option', () => {
    const argv = ['--optimizer', 'sgd', '--schedule', 'onecycle', '--epochs', '3', '--batch-size', '64', '--lr', '0.05', '--hidden', '32', '--seed', '9', '--backend', 'js', '--out', 'x.svg', '--no-compare'];
    expect(parse(argv)).toEqual({
      config: { optimizer: 'sgd', schedule: 'onecycle', epochs: 3, batchSize: 64, lr: 0.05, hidden: 32, seed: 9, backend: 'js' },
      out: 'x.svg',
      compare: false,
    });
    expect(parse(['--help'])).toBeNull();
    expect(parse(['-h'])).toBeNull();
  });

  it.each([
    [['--optimizer', 'adamm'], /--optimizer must be one of adamw, adam, sgd, .*, got adamm/],
    [['--schedule', 'cosine'], /--schedule must be one of warmup-cosine, onecycle, constant, got cosine/],
    [['--epochs', '0'], /--epochs must be an integer >= 1, got 0/],
    [['--batch-size', '2.5'], /--batch-size must be an integer >= 1/],
    [['--lr=-1'], /--lr must be a finite number > 0, got -1/],
    [['--lr', 'abc'], /--lr must be a finite number > 0, got abc/],
    [['--backend', 'gpu'], /--backend must be one of native, js, got gpu/],
    [['--epoch', '3'], /Unknown option '--epoch'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('digits trainer chart', () => {
  it('draws three panels of finite points with the run in the caption', () => {
    const r = train(config('native', { epochs: 2, seed: 1 }));
    const svg = chartOf(r);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const title of ['cross-entropy loss', 'accuracy', 'learning rate']) expect(svg).toContain(`>${title}</text>`);
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1].split(' '));
    expect(polylines.map((p) => p.length)).toEqual([2, 2, 2, 2, r.steps]); // loss x2, accuracy x2, lr per step
    for (const p of polylines.flat()) expect(p).toMatch(/^\d+(\.\d)?,\d+(\.\d)?$/);
    expect(svg).toContain(`final test accuracy ${(r.testAccuracy * 100).toFixed(2)}%`);
  });
});
