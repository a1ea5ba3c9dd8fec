/**
 * Both backends (JS and native on every instruction set) reproduce PyTorch's trajectories, state
 * dicts at a checkpoint and after the last step, and resume from the checkpoint's state dict.
 * Fixtures: test/fixtures/torch (PyTorch 1.13, float32), see its README.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { build, deviation, hasOptimizer, loadOptimizerCases, setGrads, withoutNewerTorchKeys } from './helpers/fixtures.js';
import { expectClose, expectStateDictClose, maxRelativeError } from './helpers/close.js';
import { allTargets, useDefault } from './helpers/targets.js';

// Float32 rounding differs from PyTorch by ~5e-5 relative after 30 steps (floor 1e-2); a wrong
// formula is far above 5e-4.
const RTOL = 5e-4;
const FLOOR = 1e-2;

const cases = loadOptimizerCases().filter((c) => hasOptimizer(c.optimizer));

afterAll(useDefault);

describe.each(allTargets)('$name', (target) => {
  it.each(cases.map((c) => [c.label!, c] as const))('%s', (_label, c) => {
    target.use();
    // A deliberate deviation (helpers/fixtures.ts) skips the trajectory of our own run, which
    // must then really differ from PyTorch's; everything else is checked.
    const deviates = deviation(c) !== null;
    if (deviates) expect(c.options.weightDecay ?? 0, 'state independent of the parameters').toBe(0);
    const { params, opt } = build(c, c.init);
    for (let t = 0; t < c.steps; t++) {
      setGrads(c, params, t);
      opt.step();
      if (!deviates) {
        params.forEach((p, j) => expectClose(p.data, c.trajectory[t][j], RTOL, FLOOR, `step ${t + 1} param ${j}`));
      } else if (t === 0) {
        const err = Math.max(...params.map((p, j) => maxRelativeError(p.data, c.trajectory[0][j], FLOOR)));
        expect(err, `the deviation (${deviation(c)}) is visible at step 1`).toBeGreaterThan(RTOL);
      }
      if (t + 1 === c.checkpointStep) {
        expectStateDictClose(withoutNewerTorchKeys(opt.stateDict(), c.stateDictAtCheckpoint), c.stateDictAtCheckpoint, RTOL, FLOOR);
      }
    }
    expectStateDictClose(withoutNewerTorchKeys(opt.stateDict(), c.final), c.final, RTOL, FLOOR);

    // Resume from PyTorch's checkpoint (its parameters and state dict) and finish the run.
    const resumed = build(c, c.paramsAtCheckpoint);
    resumed.opt.loadStateDict(c.stateDictAtCheckpoint);
    for (let t = c.checkpointStep; t < c.steps; t++) {
      setGrads(c, resumed.params, t);
      resumed.opt.step();
    }
    resumed.params.forEach((p, j) => expectClose(p.data, c.trajectory[c.steps - 1][j], RTOL, FLOOR, `resumed param ${j}`));
    expectStateDictClose(withoutNewerTorchKeys(resumed.opt.stateDict(), c.final), c.final, RTOL, FLOOR);
  });
});

it('covers SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop and ASGD with options', () => {
  const names = new Set(cases.map((c) => c.optimizer));
  expect([...names].sort()).toEqual(['ASGD', 'Adadelta', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'RMSprop', 'Rprop', 'SGD']);
  expect(cases.length).toBeGreaterThanOrEqual(40);
  // Only the shared default NAdam case (PyTorch 1.13's single-tensor path) deviates.
  expect(cases.filter((c) => deviation(c) !== null).map((c) => c.label)).toEqual(['NAdam({"lr":0.02})']);
});
