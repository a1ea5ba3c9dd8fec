/**
 * Early stopping: Keras's semantics on synthetic metric sequences (patience, minDelta, mode,
 * baseline, startFromEpoch), and on a real overfitting run on the digits, where the restored
 * snapshot gives back exactly the best validation loss; resume from its state dict.
 */
import { describe, expect, it } from 'vitest';

import { Adam, EarlyStopping } from '../src/index.js';
import { digits, MLP } from './helpers/digits.js';

/** The evaluation (from 0) at which `step` first says stop, or null. */
function stopAt(es: EarlyStopping, metrics: number[]): number | null {
  for (const [i, m] of metrics.entries()) if (es.step(m)) return i;
  return null;
}

describe('EarlyStopping semantics', () => {
  it('patience counts evaluations without improvement (Keras: a flat loss with patience 3 runs 4 epochs)', () => {
    expect(stopAt(new EarlyStopping({ patience: 3 }), [1, 1, 1, 1, 1, 1])).toBe(3);
    expect(stopAt(new EarlyStopping(), [3, 2, 2.5])).toBe(2);
    const es = new EarlyStopping({ patience: 2 });
    expect(stopAt(es, [5, 4, 4.5, 3, 3.5, 3.2, 1])).toBe(5);
    expect([es.best, es.bestEpoch, es.stoppedEpoch, es.wait]).toEqual([3, 3, 5, 2]);
    expect(es.step(0)).toBe(true); // stays stopped
  });

  it('minDelta, max mode, NaN', () => {
    expect(stopAt(new EarlyStopping({ patience: 1, minDelta: 0.1 }), [1, 0.95, 0.91, 0.5])).toBe(1);
    expect(stopAt(new EarlyStopping({ patience: 1, minDelta: -0.1 }), [1, 0.85, 0.7, 0.65])).toBe(3);
    expect(stopAt(new EarlyStopping({ mode: 'max', patience: 2 }), [0.5, 0.6, 0.7, 0.7, 0.69, 0.9])).toBe(4);
    expect(stopAt(new EarlyStopping({ patience: 1 }), [1, NaN])).toBe(1);
  });

  it('baseline: patience runs out until the baseline is beaten; startFromEpoch ignores a warmup', () => {
    const es = new EarlyStopping({ patience: 3, baseline: 0.5 });
    // improving on the best but not on the baseline: the wait is not reset
    expect(stopAt(es, [0.9, 0.8, 0.8, 0.8])).toBe(2);
    expect(es.best).toBe(0.8);
    expect(stopAt(new EarlyStopping({ patience: 3 }), [0.9, 0.8, 0.8, 0.8, 0.8])).toBe(4);
    expect(stopAt(new EarlyStopping({ patience: 3, baseline: 0.5 }), [0.9, 0.4, 0.45, 0.45, 0.45, 0.45])).toBe(4);
    expect(stopAt(new EarlyStopping({ startFromEpoch: 3 }), [5, 6, 7, 1, 2])).toBe(4);
  });

  it('validates its options', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow('Expected an integer >= 0 for patience but received -1');
    expect(() => new EarlyStopping({ restoreBestWeights: true })).toThrow(/params/);
    expect(() => new EarlyStopping({ mode: 'down' as never })).toThrow(TypeError);
  });
});

describe('EarlyStopping on the digits', () => {
  /** Adam on 150 training images overfits: the validation loss bottoms out, then rises. */
  function setup() {
    const model = new MLP(48, 3);
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const x = digits.train.x.subarray(0, 150 * 64);
    const y = digits.train.y.subarray(0, 150);
    const epoch = () => {
      for (let b = 0; b < 150; b += 30) {
        model.forward(x.subarray(b * 64, (b + 30) * 64), 30);
        model.backward(x.subarray(b * 64, (b + 30) * 64), y.subarray(b, b + 30), 30);
        opt.step();
      }
      return model.loss(digits.test.x, digits.test.y, digits.test.count);
    };
    return { model, opt, epoch };
  }

  it('stops once the validation loss has not improved for `patience` epochs and restores the best parameters', () => {
    const { model, epoch } = setup();
    const es = new EarlyStopping({ patience: 4, minDelta: 1e-4, restoreBestWeights: true, params: model.parameters() });
    const losses: number[] = [];
    for (let e = 0; e < 300; e++) {
      losses.push(epoch());
      if (es.step(losses[e])) break;
    }
    expect(es.stoppedEpoch).not.toBeNull();
    expect(losses.length).toBeLessThan(300);
    expect(es.stoppedEpoch! - es.bestEpoch).toBe(4);
    expect(es.best).toBe(losses[es.bestEpoch]);
    expect(es.best).toBeLessThan(losses[0] / 3); // it did learn before stopping
    const last = model.loss(digits.test.x, digits.test.y, digits.test.count);
    expect(last).not.toBe(es.best);
    expect(es.restoreBest()).toBe(true);
    expect(model.loss(digits.test.x, digits.test.y, digits.test.count)).toBe(es.best);
  });

  it('resumes from its state dict with the same decisions and snapshot', () => {
    const a = setup();
    const full = new EarlyStopping({ patience: 3, restoreBestWeights: true, params: a.model.parameters() });
    const metrics: number[] = [];
    for (let e = 0; e < 300 && !full.shouldStop; e++) {
      metrics.push(a.epoch());
      full.step(metrics[e]);
    }
    const b = setup();
    const first = new EarlyStopping({ patience: 3, restoreBestWeights: true, params: b.model.parameters() });
    const cut = Math.floor(metrics.length / 2);
    for (let e = 0; e < cut; e++) first.step(metrics[e]);
    const saved = JSON.parse(JSON.stringify(first.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));
    const resumed = new EarlyStopping({ patience: 3, restoreBestWeights: true, params: b.model.parameters() });
    resumed.loadStateDict(saved);
    let stop = null;
    for (let e = cut; e < metrics.length && stop === null; e++) if (resumed.step(metrics[e])) stop = e;
    expect(stop).toBe(full.stoppedEpoch);
    expect([resumed.best, resumed.bestEpoch, resumed.wait]).toEqual([full.best, full.bestEpoch, full.wait]);
    expect(() => resumed.loadStateDict({ ...saved, best_weights: saved.best_weights.slice(1) })).toThrow(/one per parameter/);
  });
});
