/**
 * Step plans (src/optim/plan.ts): a run whose plans are reused gives the same bytes after every
 * step as the same run with a plan rebuilt at every step, for every optimizer of the table on
 * every backend and instruction set, through a scenario that changes between steps everything
 * a plan depends on (test/helpers/plan-scenario.ts). And the checks themselves: a plan is
 * reused while nothing changes and rebuilt when something does, errors are those of a step
 * without a plan, and each optimizer's kernel is declared elementwise exactly when the addon
 * says it is.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { nativeBinding } from '../src/backend.js';
import { reusePlans } from '../src/optim/plan.js';
import { Adam, Parameter, ParameterArena, SGD, type Optimizer, type ParamLike } from '../src/index.js';
import { runBytes } from './helpers/bytes.js';
import { optimDb } from './helpers/optim-db.js';
import { planOf } from './helpers/plans.js';
import { scenarioBytes, SCENARIO_STEPS } from './helpers/plan-scenario.js';
import { allTargets, jsTarget, nativeTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);
afterEach(() => reusePlans(true));


describe.each(allTargets)('$name: reused plans give the bytes of plans rebuilt at every step', (target) => {
  it.each(optimDb.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    target.use();
    let reusedSteps = 0;
    const reused = scenarioBytes(c, (opt) => {
      if (planOf(opt)) reusedSteps++;
    });
    reusePlans(false);
    const rebuilt = scenarioBytes(c, (opt) => expect(planOf(opt)).toBeUndefined());
    expect(reused).toHaveLength(SCENARIO_STEPS);
    reused.forEach((h, t) => expect(h, `after step ${t + 1}`).toBe(rebuilt[t]));
    // Not vacuous: most steps of the scenario found a plan from the step before.
    expect(reusedSteps).toBeGreaterThanOrEqual(4);
  });
});

function arenaAdam(options: ConstructorParameters<typeof Adam>[1] = {}) {
  const arena = new ParameterArena([3, 5, 8], { stateBuffers: 3 });
  arena.data.set(Array.from({ length: 16 }, (_, i) => Math.sin(i)));
  arena.grad.fill(0.5);
  return { arena, opt: new Adam(arena.parameters, { lr: 0.1, ...options }) };
}

describe('a plan is reused while nothing changes, rebuilt when something does', () => {
  it.each(allTargets.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    target.use();
    const { arena, opt } = arenaAdam();
    const [a, b] = arena.parameters;
    const bGrad = b.grad!;
    opt.step(); // creates the states: the next step builds again
    opt.step();
    const plan = planOf(opt);
    expect(plan).toBeDefined();
    opt.step();
    expect(planOf(opt)).toBe(plan);
    const changes: [string, () => void][] = [
      ['a grad set to null', () => (b.grad = null)],
      ['the grad back', () => (b.grad = bGrad)],
      ['data replaced', () => (a.data = a.data.slice())],
      ['an option that changes the lists', () => (opt.paramGroups[0].amsgrad = true)],
      ['a state deleted', () => opt.state.delete(a)],
      ['a state buffer replaced', () => (opt.state.get(b)!.exp_avg = new Float32Array(5))],
      ['a state entry deleted', () => delete opt.state.get(b)!.max_exp_avg_sq],
      ['a state dict loaded', () => opt.loadStateDict(opt.stateDict())],
      ['a parameter removed from the group', () => opt.paramGroups[0].params.pop()],
      ['a parameter added to the group', () => opt.paramGroups[0].params.push(arena.parameters[2])],
    ];
    for (const [what, change] of changes) {
      const before = planOf(opt);
      change();
      opt.step();
      opt.step(); // a step that created state builds once more
      expect(planOf(opt), what).not.toBe(before);
      const again = planOf(opt);
      opt.step();
      expect(planOf(opt), `${what}, then nothing`).toBe(again);
    }
    // Another parameter object in the same place, with the same data and grad: its own state.
    const twin = { data: a.data, grad: a.grad };
    opt.paramGroups[0].params[0] = twin;
    opt.step();
    expect(opt.state.get(twin)!.step).toBe(1);
    opt.step();
    // A step count changed by hand is used (the scalars are then per tensor), and reused.
    const reused = planOf(opt);
    opt.state.get(b)!.step = 1;
    opt.step();
    expect(planOf(opt)).toBe(reused);
    expect(opt.state.get(b)!.step).toBe(2);
  });
});

describe.each(allTargets)('$name: stepAsync with reused plans', (target) => {
  it('gives the bytes of step() with plans rebuilt at every step, one kernel call per group', async () => {
    target.use();
    const runs = [arenaAdam({ amsgrad: true }), arenaAdam({ amsgrad: true })];
    for (const { opt } of runs) opt.addParamGroup({ params: [new Parameter(new Float32Array(7).fill(1), { grad: new Float32Array(7).fill(-0.5) })], lr: 0.01 });
    for (let t = 0; t < 6; t++) {
      reusePlans(true);
      if (t % 2 === 0) await runs[0].opt.stepAsync();
      else runs[0].opt.step();
      reusePlans(false);
      runs[1].opt.step();
    }
    expect(planOf(runs[0].opt, 0)).toBeDefined();
    expect(planOf(runs[0].opt, 1)).toBeDefined();
    const all = (i: number) => runs[i].opt.paramGroups.flatMap((g) => g.params);
    expect(runBytes(all(0), runs[0].opt).equals(runBytes(all(1), runs[1].opt))).toBe(true);
  });
});

describe('new gradient buffers at every step', () => {
  it.each(allTargets.map((t) => [t.name, t] as const))('%s: the plan is kept, its grads and merged ranges taken anew', (_name, target) => {
    target.use();
    const runs = [arenaAdam(), arenaAdam()];
    const gradBuffer = runs.map(({ arena }) => arena.grad);
    const plans = new Set<unknown>();
    for (let t = 0; t < 6; t++) {
      runs.forEach(({ arena }, r) => {
        arena.parameters.forEach((p, j) => {
          const offset = [0, 3, 8][j];
          const length = p.data.length;
          // Even steps: new views of the arena's gradient memory (contiguous: one range). Odd
          // steps: new buffers of their own (nothing merges).
          p.grad = t % 2 === 0 ? new Float32Array(gradBuffer[r].buffer, gradBuffer[r].byteOffset + 4 * offset, length) : new Float32Array(length);
          p.grad.fill(0.25 * (t + 1) * (j % 2 === 0 ? 1 : -1));
        });
      });
      reusePlans(true);
      runs[0].opt.step();
      reusePlans(false);
      runs[1].opt.step();
      if (t >= 2) {
        plans.add(planOf(runs[0].opt));
        // The kernel got one merged range, or the three tensors.
        expect((planOf(runs[0].opt) as { runs: number }).runs).toBe(t % 2 === 0 ? 1 : 3);
      }
    }
    expect(plans.size).toBe(1);
    expect(runBytes(runs[0].arena.parameters, runs[0].opt).equals(runBytes(runs[1].arena.parameters, runs[1].opt))).toBe(true);
    // A new gradient of the wrong length: the error of a step without a plan.
    const [a] = runs[0].arena.parameters;
    const before = runBytes(runs[0].arena.parameters, runs[0].opt);
    reusePlans(true);
    a.grad = new Float32Array(4);
    expect(() => runs[0].opt.step()).toThrow('Adam.step: paramGroups[0].params[0].grad has 4 elements but its data has 3');
    expect(runBytes(runs[0].arena.parameters, runs[0].opt).equals(before)).toBe(true);
  });
});

describe('two plans per group', () => {
  it.each(allTargets.map((t) => [t.name, t] as const))('%s: parameters that take turns without a gradient reuse a plan per turn', (_name, target) => {
    target.use();
    const runs = [arenaAdam(), arenaAdam()];
    const grads = runs.map(({ arena }) => arena.parameters.map((p) => p.grad));
    const seen: unknown[] = [];
    for (let t = 0; t < 14; t++) {
      runs.forEach(({ arena, opt }, r) => {
        // Parameter 1 has no gradient every other step; the options change the lists at step 7
        // and back at step 10 (states are copied then: no plan from before may be used after).
        arena.parameters.forEach((p, j) => (p.grad = j === 1 && t % 2 === 1 ? null : grads[r][j]));
        opt.paramGroups[0].amsgrad = t >= 7 && t < 10;
      });
      reusePlans(true);
      runs[0].opt.step();
      reusePlans(false);
      runs[1].opt.step();
      seen.push(planOf(runs[0].opt));
    }
    // Steady turns: steps 3 and 5 used the plan of step 3, steps 4 and 6 that of step 4.
    expect(seen[5]).toBe(seen[3]);
    expect(seen[6]).toBe(seen[4]);
    expect(seen[4]).not.toBe(seen[3]);
    expect(seen[12]).not.toBe(seen[4]);
    expect(runBytes(runs[0].arena.parameters, runs[0].opt).equals(runBytes(runs[1].arena.parameters, runs[1].opt))).toBe(true);
  });
});

describe('the scalars of a reused plan', () => {
  it('are those of each state when the step counts differ, and of one state when they agree', () => {
    for (const target of allTargets) {
      target.use();
      const runs = [arenaAdam(), arenaAdam()];
      const [plain, rebuilt] = runs;
      const grads = runs.map(({ arena }) => arena.parameters[1].grad);
      for (let t = 0; t < 6; t++) {
        // No grad at t = 2: the second parameter's count falls behind for good.
        runs.forEach(({ arena }, i) => (arena.parameters[1].grad = t === 2 ? null : grads[i]));
        reusePlans(true);
        plain.opt.step();
        reusePlans(false);
        rebuilt.opt.step();
      }
      expect(runBytes(plain.arena.parameters, plain.opt).equals(runBytes(rebuilt.arena.parameters, rebuilt.opt))).toBe(true);
      expect(plain.arena.parameters.map((p) => plain.opt.state.get(p)!.step)).toEqual([6, 5, 6]);
    }
  });
});

describe('errors are those of a step without a plan', () => {
  it.each(allTargets.map((t) => [t.name, t] as const))('%s: a buffer behind a merged range detached after the plan was built', (_name, target) => {
    target.use();
    // SGD without momentum over views into one plain ArrayBuffer, values then gradients: both
    // lists merge into one range, which a detached buffer would leave empty in both.
    const buffer = new ArrayBuffer(2 * 3 * 4 * 4);
    const params = [0, 1, 2].map((i) => new Parameter(new Float32Array(buffer, i * 16, 4).fill(1), { grad: new Float32Array(buffer, 48 + i * 16, 4).fill(0.5) }));
    const opt = new SGD(params, { lr: 0.1 });
    opt.step();
    opt.step();
    expect(planOf(opt)).toBeDefined();
    const kept = params[2].data.slice();
    structuredClone(buffer, { transfer: [buffer] });
    expect(() => opt.step()).toThrow('sgd: params[0] is backed by a detached ArrayBuffer');
    expect(Array.from(kept)).toEqual([0.9, 0.9, 0.9, 0.9].map(Math.fround));
  });

  it.each(allTargets.map((t) => [t.name, t] as const))('%s: a resizable buffer behind a merged range grown after the plan was built', (_name, target) => {
    target.use();
    // The last gradient tracks the buffer's length: a grown buffer makes it too long.
    // (Resizable ArrayBuffers are ES2024, newer than the project's TypeScript lib.)
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const buffer = new Resizable(2 * 3 * 4 * 4, { maxByteLength: 1024 });
    const params = [0, 1, 2].map((i) => new Parameter(new Float32Array(buffer, i * 16, 4).fill(1), { grad: i < 2 ? new Float32Array(buffer, 48 + i * 16, 4) : new Float32Array(buffer, 80) }));
    params.forEach((p) => p.grad!.fill(0.5));
    const opt = new SGD(params, { lr: 0.1 });
    opt.step();
    opt.step();
    expect(planOf(opt)).toBeDefined();
    buffer.resize(128);
    expect(() => opt.step()).toThrow('SGD.step: paramGroups[0].params[2].grad has 12 elements but its data has 4');
    expect(Array.from(params[2].data)).toEqual([0.9, 0.9, 0.9, 0.9].map(Math.fround));
  });

  it.each(allTargets.map((t) => [t.name, t] as const))('%s: a gradient detached after the plan was built', (_name, target) => {
    target.use();
    const a = Parameter.from([1, 2, 3]);
    const b = Parameter.from([4, 5]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad!.fill(1);
    b.grad!.fill(1);
    opt.step();
    opt.step();
    expect(planOf(opt)).toBeDefined();
    const before = runBytes([a, b], opt);
    structuredClone(b.grad!.buffer, { transfer: [b.grad!.buffer as ArrayBuffer] });
    // The kernel would say "grads[1] is backed by a detached ArrayBuffer"; a step without a plan
    // finds the wrong length first.
    expect(() => opt.step()).toThrow('Adam.step: paramGroups[0].params[1].grad has 0 elements but its data has 2');
    expect(runBytes([a, b], opt).equals(before)).toBe(true);
  });

  it('a merged call the kernel refuses: the error names the tensors as given, on both backends', () => {
    const messages = [jsTarget, ...nativeTargets].map((target) => {
      target.use();
      const data = new ArrayBuffer(3 * 4 * 4);
      const p = [0, 1, 2].map((i) => new Float32Array(data, i * 16, 4).fill(1));
      // grads[0] is params[1]'s memory: contiguous in both lists, so merged, and refused.
      const params: ParamLike[] = [
        { data: p[0], grad: p[1] },
        { data: p[1], grad: p[2] },
        { data: p[2], grad: new Float32Array(4) },
      ];
      const opt = new SGD(params, { lr: 0.1 });
      const before = Array.from(new Float32Array(data));
      let message = '';
      try {
        opt.step();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(Array.from(new Float32Array(data))).toEqual(before);
      return message;
    });
    // The sort of equal starts may put either first.
    for (const m of messages) expect(m).toMatch(/^sgd: (params\[1\] and grads\[0\]|grads\[0\] and params\[1\]) overlap in memory/);
  });
});

describe('kernels', () => {
  const native = nativeBinding();
  it.runIf(native !== null).each(optimDb.map((c) => [c.name, c] as const))('%s: declared elementwise exactly when the addon says so', (_name, c) => {
    const opt = c.create([new Parameter(4)]);
    const kernel = (opt as unknown as { spec: { kernel: { name: string; elementwise: boolean } } }).spec.kernel;
    expect(kernel.elementwise).toBe(native!.elementwise.includes(kernel.name as never));
  });
});
