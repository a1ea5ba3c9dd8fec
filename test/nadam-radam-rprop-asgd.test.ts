/**
 * NAdam, RAdam, Rprop and ASGD, and Adam's decoupledWeightDecay, beyond the shared tables
 * (PyTorch 1.13 parity in torch-parity, native vs JS in native-vs-js, resume in state-dict):
 * PyTorch's defaults and group keys, validation messages, float64 references for what PyTorch
 * 1.13 lacks (decoupled weight decay and maximize in NAdam and RAdam), and PyTorch's float32
 * scalars in the state.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { Adam, AdamW, ASGD, NAdam, Parameter, RAdam, Rprop, type Optimizer } from '../src/index.js';
import { expectClose } from './helpers/close.js';
import { build, loadCases, setGrads } from './helpers/fixtures.js';
import { rng } from './helpers/random.js';
import { allTargets, useDefault } from './helpers/targets.js';

afterAll(useDefault);

const p = () => [new Parameter(3)];

// As torch-parity: float32 rounding stays far below this after 20 steps; a wrong formula (or a
// missing decay, or the wrong sign) is far above it.
const RTOL = 5e-4;
const FLOOR = 1e-2;

describe('PyTorch defaults and param_groups keys', () => {
  it.each([
    ['NAdam', () => new NAdam(p()), { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 4e-3, decoupled_weight_decay: false, maximize: false, foreach: null }],
    ['RAdam', () => new RAdam(p()), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, decoupled_weight_decay: false, maximize: false, foreach: null }],
    ['Rprop', () => new Rprop(p()), { lr: 1e-2, etas: [0.5, 1.2], step_sizes: [1e-6, 50], maximize: false, foreach: null }],
    ['ASGD', () => new ASGD(p()), { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0, maximize: false, foreach: null }],
  ] as const)('%s', (_name, make, group) => {
    expect(make().stateDict().param_groups).toEqual([{ ...group, params: [0] }]);
  });
});

describe('hyperparameter validation', () => {
  it.each([
    [() => new NAdam(p(), { momentumDecay: -1 }), RangeError, 'Expected a finite number >= 0 for momentumDecay but received -1'],
    [() => new NAdam(p(), { betas: [1, 0.999] }), TypeError, 'Expected a pair of finite numbers in [0, 1) for betas but received [1, 0.999]'],
    [() => new NAdam(p(), { decoupledWeightDecay: 'no' as never }), TypeError, 'Expected a boolean for decoupledWeightDecay but received "no"'],
    [() => new NAdam([{ params: p() }, { params: p(), maximize: null as never }]), TypeError, 'Expected a boolean for paramGroups[1].maximize but received null'],
    [() => new RAdam(p(), { eps: -1e-8 }), RangeError, 'Expected a finite number >= 0 for eps but received -1e-8'],
    [() => new RAdam(p(), { decoupledWeightDecay: undefined }), TypeError, 'Expected a boolean for decoupledWeightDecay but received undefined'],
    [() => new Rprop(p(), { etas: [0.5, 1] }), TypeError, 'Expected a pair of finite numbers with 0 < etaminus < 1 < etaplus for etas but received [0.5, 1]'],
    [() => new Rprop(p(), { etas: [0, 1.2] }), TypeError, 'Expected a pair of finite numbers with 0 < etaminus < 1 < etaplus for etas but received [0, 1.2]'],
    [() => new Rprop(p(), { stepSizes: [1, 0.5] }), TypeError, 'Expected a pair of finite numbers with 0 <= min <= max for stepSizes but received [1, 0.5]'],
    [() => new Rprop(p(), { stepSizes: [1e-6, Infinity] }), TypeError, 'Expected a pair of finite numbers with 0 <= min <= max for stepSizes but received [0.000001, Infinity]'],
    [() => new Rprop(p(), { lr: -0.1 }), RangeError, 'Expected a finite number >= 0 for lr but received -0.1'],
    [() => new ASGD(p(), { lambd: -1e-4 }), RangeError, 'Expected a finite number >= 0 for lambd but received -0.0001'],
    [() => new ASGD(p(), { t0: Number.POSITIVE_INFINITY }), RangeError, 'Expected a finite number >= 0 for t0 but received Infinity'],
    [() => new ASGD(p(), { alpha: Number.NaN }), RangeError, 'Expected a finite number >= 0 for alpha but received NaN'],
    [() => new Adam(p(), { decoupledWeightDecay: 'yes' as never }), TypeError, 'Expected a boolean for decoupledWeightDecay but received "yes"'],
  ])('%#', (make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });
});

/** One parameter's float64 state in a reference rule. */
type RefState = Record<string, Float64Array | number>;

/**
 * A float64 reference run: `rule` updates one parameter (p, its gradient and its state, at its
 * own step t) in double; the optimizer built by `create` must follow it on every backend.
 * Two parameters with different options (two groups), the second skipped at two steps.
 */
function compareWithReference(
  create: (params: Parameter[]) => Optimizer<object>,
  groupOptions: Record<string, number | boolean>[],
  rule: (p: Float64Array, g: Float64Array, s: RefState, t: number, o: Record<string, number | boolean>) => void,
  steps = 20,
) {
  for (const target of allTargets) {
    target.use();
    const r = rng(41);
    const init = [r.normals(33), r.normals(9)];
    const params = init.map((x) => new Parameter(x.slice()));
    const opt = create(params);
    const ref = init.map((x) => Float64Array.from(x));
    const refState: RefState[] = [{}, {}];
    const refStep = [0, 0];
    for (let t = 0; t < steps; t++) {
      params.forEach((q, j) => {
        q.grad = j === 1 && (t === 3 || t === 4) ? null : r.normals(q.data.length);
        if (q.grad) rule(ref[j], Float64Array.from(q.grad), refState[j], ++refStep[j], groupOptions[j]);
      });
      opt.step();
      params.forEach((q, j) => expectClose(q.data, ref[j], RTOL, FLOOR, `${target.name}: step ${t + 1} param ${j}`));
    }
  }
}

/** NAdam as PyTorch 2.x defines it, in float64. */
function nadamRule(p: Float64Array, g: Float64Array, s: RefState, t: number, o: Record<string, number | boolean>) {
  const { lr, beta1, beta2, eps, weightDecay: wd, momentumDecay } = o as Record<string, number>;
  if (t === 1) Object.assign(s, { m: new Float64Array(p.length), v: new Float64Array(p.length), muProduct: 1 });
  const m = s.m as Float64Array;
  const v = s.v as Float64Array;
  const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
  const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
  s.muProduct = (s.muProduct as number) * mu;
  const P = s.muProduct;
  for (let i = 0; i < p.length; i++) {
    let gi = o.maximize ? -g[i] : g[i];
    if (o.decoupledWeightDecay) p[i] *= 1 - lr * wd;
    else gi += wd * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    const d = Math.sqrt(v[i] / (1 - beta2 ** t)) + eps;
    p[i] -= ((lr * (1 - mu)) / (1 - P)) * (gi / d) + ((lr * muNext) / (1 - P * muNext)) * (m[i] / d);
  }
}

/** RAdam as PyTorch 2.x defines it, in float64. */
function radamRule(p: Float64Array, g: Float64Array, s: RefState, t: number, o: Record<string, number | boolean>) {
  const { lr, beta1, beta2, eps, weightDecay: wd } = o as Record<string, number>;
  if (t === 1) Object.assign(s, { m: new Float64Array(p.length), v: new Float64Array(p.length) });
  const m = s.m as Float64Array;
  const v = s.v as Float64Array;
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * t * beta2 ** t) / (1 - beta2 ** t);
  const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
  for (let i = 0; i < p.length; i++) {
    let gi = o.maximize ? -g[i] : g[i];
    if (o.decoupledWeightDecay) p[i] *= 1 - lr * wd;
    else gi += wd * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    const mHat = m[i] / (1 - beta1 ** t);
    if (rhoT > 5) p[i] -= (lr * mHat * rect * Math.sqrt(1 - beta2 ** t)) / (Math.sqrt(v[i]) + eps);
    else p[i] -= lr * mHat;
  }
}

describe('float64 references for what PyTorch 1.13 lacks', () => {
  it('NAdam with decoupled weight decay and maximize (PyTorch 2.x)', () => {
    const common = { beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: 4e-3 };
    const groups = [
      { ...common, lr: 0.02, weightDecay: 0.1, decoupledWeightDecay: true, maximize: false },
      { ...common, lr: 0.01, weightDecay: 0.2, decoupledWeightDecay: false, maximize: true, momentumDecay: 0.05 },
    ];
    compareWithReference(
      ([a, b]) =>
        new NAdam([
          { params: [a], lr: 0.02, weightDecay: 0.1, decoupledWeightDecay: true },
          { params: [b], lr: 0.01, weightDecay: 0.2, maximize: true, momentumDecay: 0.05 },
        ]),
      groups,
      nadamRule,
    );
  });

  it('RAdam with decoupled weight decay and maximize (PyTorch 2.x), through both branches', () => {
    // beta2 = 0.9: unrectified for the first 5 steps of each parameter (the second lags by 2).
    const groups = [
      { lr: 0.02, beta1: 0.9, beta2: 0.9, eps: 1e-8, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true },
      { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.2, decoupledWeightDecay: false, maximize: true },
    ];
    compareWithReference(
      ([a, b]) =>
        new RAdam([
          { params: [a], lr: 0.02, betas: [0.9, 0.9], weightDecay: 0.1, decoupledWeightDecay: true, maximize: true },
          { params: [b], lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.2, maximize: true },
        ]),
      groups,
      radamRule,
    );
  });
});

describe.each(allTargets)('$name', (target) => {
  it("Adam with decoupledWeightDecay follows PyTorch's AdamW", () => {
    target.use();
    for (const c of loadCases('optimizer-options.json').filter((k) => k.optimizer === 'AdamW')) {
      const { params } = build(c, c.init);
      const opt = new Adam(params, { weightDecay: 1e-2, ...c.options, decoupledWeightDecay: true });
      const twin = build(c, c.init);
      for (let t = 0; t < c.steps; t++) {
        setGrads(c, params, t);
        setGrads(c, twin.params, t);
        opt.step();
        twin.opt.step();
        params.forEach((q, j) => expectClose(q.data, c.trajectory[t][j], RTOL, FLOOR, `${c.label} step ${t + 1} param ${j}`));
      }
      // The same kernel with the same arguments as AdamW: the same bits.
      params.forEach((q, j) => expect(Array.from(q.data)).toEqual(Array.from(twin.params[j].data)));
      expect(twin.opt).toBeInstanceOf(AdamW);
    }
  });

  it.each([
    ['NAdam', 'optimizers.json', {}, ['mu_product']],
    // Averaging from step 6 on: mu = 1 / (t - 5) is rounded to float32 too.
    ['ASGD', 'options-nadam-radam-rprop-asgd.json', { t0: 5 }, ['eta', 'mu']],
  ] as const)("%s's scalar state is PyTorch's float32 0-d tensors, to the bit", (name, file, options, keys) => {
    target.use();
    const [c] = loadCases(file).filter((k) => k.optimizer === name && JSON.stringify(k.options) === JSON.stringify({ lr: k.options.lr, ...options }));
    const { params, opt } = build(c, c.init);
    for (let t = 0; t < c.steps; t++) {
      setGrads(c, params, t);
      opt.step();
    }
    const state = c.final.state as Record<string, Record<string, unknown>>;
    for (const [id, s] of Object.entries(opt.stateDict().state)) for (const key of keys) expect(s[key], `state[${id}].${key}`).toBe(state[id][key]);
  });

  it("Rprop treats NaN and infinite gradients as PyTorch 1.13 does (sign(NaN) = 0), to the bit", () => {
    target.use();
    const w = Parameter.from([1, 2, 3, 4]);
    const opt = new Rprop([w], { lr: 0.1 });
    // torch.optim.Rprop([w], lr=0.1) on these gradients gives these parameters, prev and step sizes.
    const steps = [
      { grad: [Number.NaN, 1, Number.POSITIVE_INFINITY, 1], w: [1, 1.899999976158142, 2.9000000953674316, 3.9000000953674316], prev: [Number.NaN, 1, Number.POSITIVE_INFINITY, 1], size: [0.10000000149011612, 0.10000000149011612, 0.10000000149011612, 0.10000000149011612] },
      { grad: [1, 1, 1, -1], w: [0.8999999761581421, 1.7799999713897705, 2.7800002098083496, 3.9000000953674316], prev: [1, 1, 1, 0], size: [0.10000000149011612, 0.12000000476837158, 0.12000000476837158, 0.05000000074505806] },
      { grad: [1, -1, 1, 1], w: [0.7799999713897705, 1.7799999713897705, 2.636000156402588, 3.8500001430511475], prev: [1, 0, 1, 1], size: [0.12000000476837158, 0.06000000238418579, 0.14400000870227814, 0.05000000074505806] },
    ];
    for (const s of steps) {
      w.grad!.set(s.grad);
      opt.step();
      const state = opt.state.get(w)!;
      expect(Array.from(w.data)).toEqual(s.w);
      expect(Array.from(state.prev as Float32Array)).toEqual(s.prev);
      expect(Array.from(state.step_size as Float32Array)).toEqual(s.size);
    }
  });

  it("Rprop fills a new parameter's step sizes with its group's lr", () => {
    target.use();
    const [a, b] = [new Parameter(2), new Parameter(3)];
    const opt = new Rprop([{ params: [a] }, { params: [b], lr: 0.25 }], { lr: 0.5 });
    b.grad = null;
    opt.step();
    expect(Array.from(opt.state.get(a)!.step_size as Float32Array)).toEqual([0.5, 0.5]);
    expect(opt.state.has(b)).toBe(false);
    b.grad = new Float32Array(3);
    opt.step();
    expect(Array.from(opt.state.get(b)!.step_size as Float32Array)).toEqual([0.25, 0.25, 0.25]);
    expect(opt.state.get(a)!.step).toBe(2);
  });

  it('ASGD starts eta at its group\'s lr (as float32) and averages from t0 on', () => {
    target.use();
    const w = Parameter.from([1, -1]);
    const opt = new ASGD([w], { lr: 0.1, lambd: 0, t0: 2 });
    const ax: number[][] = [];
    for (let t = 0; t < 4; t++) {
      w.grad!.set([1, 1]);
      opt.step();
      ax.push(Array.from(opt.state.get(w)!.ax as Float32Array));
    }
    const s = opt.state.get(w)!;
    // lambd = 0: eta stays lr; mu = 1 / max(1, t - t0): 1, 1, 1, 1/2 for the next step.
    expect(s.eta).toBe(Math.fround(0.1));
    expect(s.mu).toBe(0.5);
    // p = 1 - 0.1 t; ax is a copy of p while mu = 1, which holds up to step 4 (each step uses the
    // mu set after the previous one: 1 / max(1, 3 - 2) = 1 for step 4).
    expect(ax[2][0]).toBeCloseTo(0.7, 6);
    expect(ax[3][0]).toBeCloseTo(0.6, 6);
    w.grad!.set([1, 1]);
    opt.step();
    // Step 5 averages with mu = 1/2: ax = 0.6 + (0.5 - 0.6) / 2.
    expect((opt.state.get(w)!.ax as Float32Array)[0]).toBeCloseTo(0.55, 6);
  });

  it('NAdam creates its state at the first step, and a refused step changes nothing', () => {
    target.use();
    const a = Parameter.from([1, 2, 3]);
    const b = Parameter.from([4, 5]);
    const opt = new NAdam([a, b]);
    expect(opt.stateDict().state).toEqual({});
    a.grad!.fill(1);
    b.grad!.fill(1);
    opt.step();
    expect(Object.keys(opt.stateDict().state[0])).toEqual(['step', 'mu_product', 'exp_avg', 'exp_avg_sq']);
    const before = JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v));
    const data = [a.data.slice(), b.data.slice()];
    b.grad = b.data; // a gradient that is its own parameter: the kernel refuses the whole group
    expect(() => opt.step()).toThrow(/overlap in memory/);
    expect(JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v))).toBe(before);
    expect([a.data, b.data]).toEqual(data);
  });
});
