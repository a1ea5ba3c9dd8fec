/**
 * States no one was handed (src/optim/state.ts, src/optim/plan.ts): a plan whose states the
 * optimizer's Map never handed out counts their steps once, in an object of its own, and writes
 * the numbers back when the Map is next read. Runs that count so must give the bytes of runs that
 * count in every state (plans rebuilt at every step), every read of the Map must show the
 * numbers up to date, and whatever may change a state behind the plan's back (a state handed out
 * and changed by hand, another plan over the same states, a parameter given another buffer)
 * must end the holding.
 */
import { inspect } from 'node:util';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { reusePlans } from '../src/optim/plan.js';
import { Adam, ASGD, NAdam, Parameter, ParameterArena, SGD, type Optimizer, type ParamLike, type ParamState } from '../src/index.js';
import { runBytes } from './helpers/bytes.js';
import { optimDb, type OptimCase } from './helpers/optim-db.js';
import { holding, planOf } from './helpers/plans.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);
afterEach(() => reusePlans(true));

const SIZES = [5, 0, 17, 512, 1, 33];
const STEPS = 6;

/** `c` over an arena, stepped `STEPS` times with new gradient values (in the same buffers) and nothing else. */
function quietRun(c: OptimCase, reuse: boolean) {
  reusePlans(reuse);
  const r = rng(5);
  const arena = new ParameterArena(SIZES.map((n) => c.shape?.(n) ?? [n]), { stateBuffers: 3 });
  arena.data.set(r.normals(arena.numel));
  const opt = c.create(arena.parameters);
  const held: boolean[] = [];
  for (let t = 0; t < STEPS; t++) {
    arena.grad.set(r.normals(arena.numel, 0.5 + t / 4));
    opt.step();
    held.push(opt.paramGroups.every((_, g) => holding(opt, g)));
  }
  return { arena, opt, held };
}

describe.each(allTargets)('$name: steps counted once per group', (target) => {
  it.each(optimDb.map((c) => [c.name, c] as const))('%s: the bytes of steps counted in every state', (_name, c) => {
    target.use();
    const counted = quietRun(c, true);
    const rebuilt = quietRun(c, false);
    // Not vacuous: from the third step on (the first creates the states, the second builds the
    // plan that is kept), every group's plan held its states' numbers; the reference never did.
    expect(counted.held.slice(2)).toEqual(Array(STEPS - 2).fill(true));
    expect(rebuilt.held).toEqual(Array(STEPS).fill(false));
    // runBytes reads the state through stateDict(), which writes the numbers back first.
    expect(runBytes(counted.arena.parameters, counted.opt).equals(runBytes(rebuilt.arena.parameters, rebuilt.opt))).toBe(true);
    expect(holding(counted.opt)).toBe(false);
  });
});

/** Every way the Map hands out its states, each read as the numbers of every state. */
const reads: [string, (opt: Optimizer<object>, params: readonly ParamLike[]) => unknown][] = [
  ['get', (opt, params) => params.map((p) => ({ ...opt.state.get(p) }))],
  ['for..of', (opt) => [...opt.state].map(([, s]) => ({ ...s }))],
  ['values', (opt) => [...opt.state.values()].map((s) => ({ ...s }))],
  ['entries', (opt) => [...opt.state.entries()].map(([, s]) => ({ ...s }))],
  ['forEach', (opt) => {
    const out: object[] = [];
    opt.state.forEach((s) => out.push({ ...s }));
    return out;
  }],
  ['stateDict', (opt) => opt.stateDict().state],
  ['util.inspect', (opt) => inspect(opt.state, { depth: 3 })],
];

const numbered: [string, (params: ParamLike[]) => Optimizer<object>][] = [
  ['Adam', (p) => new Adam(p, { lr: 1e-2 })],
  ['NAdam', (p) => new NAdam(p, { lr: 1e-2 })],
  ['ASGD', (p) => new ASGD(p, { lr: 1e-2, t0: 2 })],
];

describe('every read of the Map shows the numbers up to date', () => {
  it.each(numbered)('%s', (_name, create) => {
    for (const [what, read] of reads) {
      const runs = [true, false].map((reuse) => {
        reusePlans(reuse);
        const arena = new ParameterArena([3, 4, 5]);
        arena.data.set(rng(1).normals(12));
        return { arena, opt: create(arena.parameters), reuse };
      });
      for (let t = 0; t < 5; t++) {
        for (const { arena, opt, reuse } of runs) {
          reusePlans(reuse);
          arena.grad.set(rng(10 + t).normals(12));
          opt.step();
        }
        // Read at steps 3 and 4 only: held numbers are written back, and a read hands the
        // states out, so the steps after it count in every state again.
        if (t === 2 || t === 4) {
          if (t === 2) expect(holding(runs[0].opt), what).toBe(true);
          const [held, counted] = runs.map(({ arena, opt }) => read(opt, arena.parameters));
          expect(held, `${what} after step ${t + 1}`).toEqual(counted);
          expect(JSON.stringify(held), what).toContain(`${t + 1}`);
        }
      }
      const [a, b] = runs.map(({ arena, opt }) => runBytes(arena.parameters, opt));
      expect(a.equals(b), what).toBe(true);
    }
  });

  it('util.inspect and console.log show step counts the plan held', () => {
    const arena = new ParameterArena([2, 2]);
    const opt = new Adam(arena.parameters);
    for (let t = 0; t < 4; t++) {
      arena.grad.fill(1);
      opt.step();
    }
    expect(holding(opt)).toBe(true);
    expect(inspect(opt.state)).toMatch(/step: 4[^]*step: 4/);
    expect(holding(opt)).toBe(false);
  });
});

describe.each(allTargets)('$name: what ends the holding', (target) => {
  it('a state handed out and changed by hand', () => {
    target.use();
    const runs = [true, false].map(() => new ParameterArena([3, 4, 5]));
    const opts = runs.map((arena) => new NAdam(arena.parameters, { lr: 1e-2 }));
    const kept: ParamState[] = [];
    for (let t = 0; t < 8; t++) {
      runs.forEach((arena, r) => {
        reusePlans(r === 0);
        arena.grad.set(rng(t).normals(12));
        // Handed out before step 4, changed before step 6: the plan must read it then.
        if (t === 3) kept[r] = opts[r].state.get(arena.parameters[1])!;
        if (t === 5) Object.assign(kept[r], { step: 1, mu_product: 0.5 });
        opts[r].step();
      });
      if (t === 2) expect(holding(opts[0])).toBe(true);
    }
    expect(holding(opts[0])).toBe(false);
    expect(runBytes(runs[0].parameters, opts[0]).equals(runBytes(runs[1].parameters, opts[1]))).toBe(true);
    expect(opts[0].state.get(runs[0].parameters[1])!.step).toBe(4);
    expect(opts[0].state.get(runs[0].parameters[0])!.step).toBe(8);
  });

  it('groups: a read of one group\'s state writes back every group\'s numbers, and the next step holds them again', () => {
    target.use();
    const build = () => {
      const arena = new ParameterArena([3, 4, 5, 6, 7]);
      arena.data.set(rng(3).normals(25));
      const [a, b, c, d, e] = arena.parameters;
      const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.1 }, { params: [d, e], weightDecay: 0.1 }], { lr: 1e-2 });
      return { arena, opt };
    };
    const runs = [build(), build()];
    for (let t = 0; t < 8; t++) {
      runs.forEach(({ arena, opt }, r) => {
        reusePlans(r === 0);
        arena.grad.set(rng(20 + t).normals(25));
        opt.step();
        // Group 1's state is read (and so handed out) after every step: its plan counts in its
        // state, and each read writes the other groups' numbers back, which they then hold again.
        if (r === 0 && t >= 2) expect([0, 1, 2].map((g) => holding(opt, g))).toEqual([true, false, true]);
        expect(opt.state.get(arena.parameters[2])!.step).toBe(t + 1);
        if (r === 0) expect([0, 1, 2].map((g) => holding(opt, g))).toEqual([false, false, false]);
      });
    }
    // Without the reads, every group holds.
    reusePlans(true);
    const quiet = build();
    for (let t = 0; t < 4; t++) {
      quiet.arena.grad.fill(0.5);
      quiet.opt.step();
    }
    expect([0, 1, 2].map((g) => holding(quiet.opt, g))).toEqual([true, true, true]);
    expect(runBytes(runs[0].arena.parameters, runs[0].opt).equals(runBytes(runs[1].arena.parameters, runs[1].opt))).toBe(true);
  });

  it('a parameter pushed by hand into a second group: both plans step its state, counted in it', () => {
    target.use();
    const runs = [true, false].map(() => new ParameterArena([3, 4, 5]));
    const opts = runs.map((arena) => new Adam([{ params: arena.parameters.slice(0, 2) }, { params: [arena.parameters[2]], lr: 0.1 }], { lr: 1e-2 }));
    for (let t = 0; t < 8; t++) {
      runs.forEach((arena, r) => {
        reusePlans(r === 0);
        if (t === 3) opts[r].paramGroups[1].params.push(arena.parameters[0]);
        arena.grad.set(rng(40 + t).normals(12));
        opts[r].step();
      });
    }
    expect(runBytes(runs[0].parameters, opts[0]).equals(runBytes(runs[1].parameters, opts[1]))).toBe(true);
    // Stepped by both groups from step 4 on: 3 + 2 * 5.
    expect(opts[0].state.get(runs[0].parameters[0])!.step).toBe(13);
  });

  it('two groups made to hold the same parameters by hand: neither holds, both count in the states', () => {
    target.use();
    const runs = [true, false].map(() => new ParameterArena([3, 4]));
    const opts = runs.map(({ parameters: [a, b] }) => new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { lr: 1e-2 }));
    for (let t = 0; t < 8; t++) {
      runs.forEach((arena, r) => {
        reusePlans(r === 0);
        if (t === 3) {
          // Both groups step both parameters from step 4 on: their counts stay equal.
          opts[r].paramGroups[0].params.push(arena.parameters[1]);
          opts[r].paramGroups[1].params.unshift(arena.parameters[0]);
        }
        arena.grad.set(rng(50 + t).normals(7));
        opts[r].step();
      });
      if (t === 2) expect([holding(opts[0], 0), holding(opts[0], 1)]).toEqual([true, true]);
      if (t > 3) expect([holding(opts[0], 0), holding(opts[0], 1)]).toEqual([false, false]);
    }
    expect(runBytes(runs[0].parameters, opts[0]).equals(runBytes(runs[1].parameters, opts[1]))).toBe(true);
    expect(runs[0].parameters.map((p) => opts[0].state.get(p)!.step)).toEqual([13, 13]);
  });

  it('parameters that take turns without a gradient: the two plans of the group', () => {
    target.use();
    const runs = [true, false].map(() => new ParameterArena([3, 4, 5]));
    const grads = runs.map((arena) => arena.parameters.map((p) => p.grad));
    const opts = runs.map((arena) => new ASGD(arena.parameters, { lr: 1e-2, t0: 3 }));
    const held: boolean[] = [];
    for (let t = 0; t < 10; t++) {
      runs.forEach((arena, r) => {
        reusePlans(r === 0);
        arena.grad.set(rng(60 + t).normals(12));
        arena.parameters.forEach((p, j) => (p.grad = j === 2 && t % 2 === 1 ? null : grads[r][j]));
        opts[r].step();
      });
      held.push(holding(opts[0]));
    }
    expect(runBytes(runs[0].parameters, opts[0]).equals(runBytes(runs[1].parameters, opts[1]))).toBe(true);
    expect(opts[0].state.get(runs[0].parameters[2])!.step).toBe(5);
    // The turns without parameter 2 hold (their states' counts are equal); those with it count
    // in every state (its count fell behind), after writing back what the other plan held.
    expect(held).toEqual(Array.from({ length: 10 }, (_, t) => t % 2 === 1));
  });

  it.each([
    ['a Parameter', (data: Float32Array, grad: Float32Array) => new Parameter(data, { grad })],
    ['a plain object', (data: Float32Array, grad: Float32Array) => ({ data, grad })],
  ] as const)('%s given another gradient or data between held steps', (_what, make) => {
    target.use();
    const runs = [true, false].map(() => {
      const params = [3, 4, 5].map((n) => make(new Float32Array(n).fill(1), new Float32Array(n)));
      return { params, opt: new SGD(params, { lr: 0.1, momentum: 0.9 }) };
    });
    let plan: unknown;
    for (let t = 0; t < 8; t++) {
      runs.forEach(({ params, opt }, r) => {
        reusePlans(r === 0);
        if (t === 4) params[1].grad = new Float32Array(4);
        if (t === 6) params[2].data = params[2].data.slice();
        params.forEach((p, j) => p.grad!.fill(0.25 * (t + 1) * (j + 1)));
        opt.step();
      });
      if (t === 3) plan = planOf(runs[0].opt);
      // A new gradient is taken by the same plan; new data builds another.
      if (t === 4 || t === 5) expect(planOf(runs[0].opt)).toBe(plan);
      if (t === 6) expect(planOf(runs[0].opt)).not.toBe(plan);
    }
    const bytes = runs.map(({ params, opt }) => runBytes(params, opt));
    expect(bytes[0].equals(bytes[1])).toBe(true);
  });
});

describe('Parameter', () => {
  it('data and grad are accessors that util.inspect shows', () => {
    const p = Parameter.from([1, 2], { name: 'w' });
    expect(inspect(p, { breakLength: Infinity })).toBe("Parameter { data: Float32Array(2) [ 1, 2 ], grad: Float32Array(2) [ 0, 0 ], shape: [ 2 ], name: 'w' }");
    const g = new Float32Array(2);
    p.grad = g;
    expect(p.grad).toBe(g);
    p.grad = null;
    expect(p.grad).toBeNull();
  });
});
