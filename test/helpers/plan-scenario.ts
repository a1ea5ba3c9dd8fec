/**
 * A training run that changes, between steps, everything a cached step plan depends on
 * (src/optim/plan.ts): parameters in a ParameterArena and separate ones, a gradient set to
 * null (the step counts diverge) and replaced by another buffer, a parameter's data replaced,
 * a group added, a state dict round trip, a state deleted, a step count and a state buffer
 * replaced by hand, options that change which lists the kernel gets (amsgrad, momentum,
 * centered, excludeBiasAndNorm) switched on and off, and the learning rate scheduled. Public API
 * only. `scenarioBytes` returns the run's bytes (parameters and state) after every step.
 */
import { createHash } from 'node:crypto';

import { Parameter, ParameterArena, type Optimizer, type ParamLike } from '../../src/index.js';
import { runBytes } from './bytes.js';
import type { OptimCase } from './optim-db.js';
import { rng } from './random.js';

/** Arena parameters (an empty one and single elements among them), then separate ones. */
const ARENA = [5, 0, 17, 512, 1, 300, 33];
const SEPARATE = [7, 64];
export const SCENARIO_STEPS = 14;

type Group = Record<string, unknown>;

/** Switches an option a plan's lists depend on, where the group has it and the switch is valid. */
function toggle(group: Group, on: boolean): void {
  if (typeof group.amsgrad === 'boolean') group.amsgrad = on;
  if (typeof group.centered === 'boolean') group.centered = on;
  if (typeof group.excludeBiasAndNorm === 'boolean') group.excludeBiasAndNorm = on;
  // momentum 0 <-> > 0 (SGD, RMSprop, LARS), where nesterov does not require it.
  if (typeof group.momentum === 'number' && group.nesterov !== true) {
    if (on && group.momentum === 0) {
      group.momentum = 0.5;
      group.scenarioMomentum = true;
    } else if (!on && group.scenarioMomentum === true) {
      group.momentum = 0;
      delete group.scenarioMomentum;
    }
  }
}

/**
 * Runs the scenario for `c` and returns one SHA-256 of the run's bytes per step; `beforeStep`
 * runs just before each step (a test forcing plan rebuilds).
 */
export function scenarioBytes(c: OptimCase, beforeStep: (opt: Optimizer<object>) => void = () => {}): string[] {
  const r = rng(77);
  const shapeOf = (n: number) => c.shape?.(n) ?? [n];
  const arena = new ParameterArena(ARENA.map(shapeOf), { stateBuffers: 3 });
  arena.data.set(r.normals(arena.numel));
  const separate = SEPARATE.map((n) => new Parameter(r.normals(n), { shape: shapeOf(n) }));
  const params: ParamLike[] = [...arena.parameters, ...separate];
  const own = params.map((p) => p.grad!);
  const extra = new Parameter(r.normals(9), { shape: shapeOf(9) });
  const extraGrad = extra.grad!;
  const all = [...params, extra];
  const opt = c.create(params);
  const hashes: string[] = [];
  for (let t = 0; t < SCENARIO_STEPS; t++) {
    params.forEach((p, j) => {
      p.grad = own[j];
      p.grad.set(r.normals(p.data.length, 0.5 + t / 8));
    });
    extra.grad = extraGrad;
    extraGrad.set(r.normals(9));
    const groups = opt.paramGroups as Group[];
    if (t === 3 || t === 4) params[2].grad = null; // its step count falls behind
    if (t === 4) params[3].grad = Float32Array.from(own[3]); // another buffer, outside the arena
    if (t === 5) params[7].data = params[7].data.slice(); // data replaced: same values, new buffer
    if (t === 6) opt.addParamGroup({ params: [extra] });
    if (t === 7) opt.loadStateDict(opt.stateDict());
    if (t === 8) {
      opt.state.delete(params[4]); // starts again from a fresh state
      groups.forEach((g) => toggle(g, true));
    }
    if (t === 9) {
      const s = opt.state.get(params[0]);
      if (s && typeof s.step === 'number' && s.step > 1) s.step -= 1;
      for (const g of groups) g.lr = (g.lr as number) * 0.5;
    }
    if (t === 10) {
      // A state buffer replaced by hand: a scaled copy.
      const s = opt.state.get(params[5]);
      const key = s && Object.keys(s).find((k) => s[k] instanceof Float32Array);
      if (s && key) s[key] = (s[key] as Float32Array).map((x) => x * 0.5);
      opt.zeroGrad({ setToNone: true });
      params.forEach((p, j) => {
        if (j % 2 === 0) p.grad = own[j];
      });
    }
    if (t === 11) groups.forEach((g) => toggle(g, false));
    beforeStep(opt);
    opt.step();
    hashes.push(createHash('sha256').update(runBytes(all, opt)).digest('hex'));
  }
  return hashes;
}
