import { Optimizer, type OptimizerSpec, type ParamGroup, type ParamState, type Params } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists, PerTensor } from './plan.js';
import { stateBuffer } from './state.js';

/** Adafactor's options: PyTorch's `torch.optim.Adafactor` (>= 2.5) names in camelCase, with its defaults. */
export interface AdafactorOptions {
  /** Maximum relative step size (`rho_t = min(lr, 1 / sqrt(t))`) and the weight decay's scale. Default 1e-2. */
  lr: number;
  /** Exponent of the second moment's weight: `1 - beta2_t = t^beta2Decay`; at most 0. Default -0.8. */
  beta2Decay: number;
  /**
   * `[eps1, eps2]`: eps1 floors the variance estimate (squared) and the row factors' mean, null
   * for float32's machine epsilon (2^-23); eps2 floors the parameter's RMS in the step size.
   * Default [null, 1e-3].
   */
  eps: [number | null, number];
  /** Clipping threshold: the update is divided by max(1, RMS(u) / d); at least 1. Default 1. */
  d: number;
  /** Decoupled weight decay: `p *= 1 - lr * weightDecay` each step. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: AdafactorOptions = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false };

/** torch.finfo(torch.float32).eps, PyTorch's eps1 when it is None. */
const FLOAT32_EPSILON = 2 ** -23;

/** A factored parameter's matrices: `batch` row-major matrices of `rows x cols` (its last two dimensions). */
interface Factors {
  batch: number;
  rows: number;
  cols: number;
}

/**
 * The factoring of a parameter with a shape of two or more dimensions (as PyTorch: every
 * `dim() > 1`), null for a vector, a scalar or a parameter without a shape. The shape must
 * describe the data.
 */
function factorsOf(p: ParamLike): Factors | null {
  const shape = p.shape;
  if (shape === undefined || shape.length < 2) return null;
  const valid = shape.every((s) => Number.isSafeInteger(s) && s >= 0) && shape.reduce((a, b) => a * b, 1) === p.data.length;
  if (!valid) throw check.invalidParameterError('an Adafactor parameter\'s shape', `a shape with ${p.data.length} elements`, [...shape]);
  return { batch: shape.slice(0, -2).reduce((a, b) => a * b, 1), rows: shape[shape.length - 2], cols: shape[shape.length - 1] };
}

/** A factor's length for a factored parameter, null (no such entry) for the others. */
const factorLength = (pick: (f: Factors) => number) => (p: ParamLike) => {
  const f = factorsOf(p);
  return f ? pick(f) : null;
};

const SPEC: OptimizerSpec = {
  name: 'Adafactor',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'row_var', kind: 'tensor', length: factorLength((f) => f.batch * f.rows) },
    { key: 'col_var', kind: 'tensor', length: factorLength((f) => f.batch * f.cols) },
    { key: 'variance', kind: 'tensor', length: (p) => (factorsOf(p) ? null : p.data.length) },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'adafactor', elementwise: false },
};

/**
 * Adafactor, as PyTorch's `torch.optim.Adafactor` (PyTorch >= 2.5): a second moment that, for a
 * parameter of two or more dimensions (`shape`), is factored into running averages of the mean
 * squares of its rows (`row_var`) and of its columns (`col_var`), per matrix of its last two
 * dimensions: memory of rows + columns instead of rows x columns. Other parameters keep a full
 * second moment (`variance`). The step is relative to the parameter's RMS and clipped by the
 * update's. Row and column reductions and the norms are computed by the kernel itself (in
 * double), in one call per group.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g      <- -g                                        if maximize
 * w      <- t^beta2Decay                              (1 - beta2_t)
 * rho    <- min(lr, 1 / sqrt(t));  alpha <- max(eps2, RMS(p)) * rho
 * p      <- p * (1 - lr * weightDecay)
 * factored (per matrix, R rows x C columns):
 *   R_i  <- lerp(R_i, mean_j g_ij^2, w);  C_j <- lerp(C_j, mean_i g_ij^2, w)
 *   v_ij <- R_i C_j / max(mean_i R_i, eps1)
 * otherwise:
 *   v    <- lerp(v, g^2, w)
 * u      <- g / sqrt(max(v, eps1^2))
 * p      <- p - alpha / max(1, RMS(u) / d) * u
 * ```
 * `lerp(a, b, w) = a + w (b - a)`; `RMS(x) = ||x|| / sqrt(numel)`, taken before the decay.
 * A parameter with a `shape` of two or more dimensions is factored over its last two; any
 * other (no `shape`, or one dimension) is not. State per parameter: `step`, and `row_var` and
 * `col_var` (factored) or `variance`.
 *
 * Where PyTorch's variant, implemented here, differs from the paper (Shazeer and Stern, Algorithm
 * 4 and 5): the relative step's ceiling is `lr` (the paper fixes 1e-2, PyTorch's default), and
 * `lr` also scales a decoupled weight decay the paper does not have; eps1 floors the variance
 * estimate and the row factors' mean instead of being added to `g^2` before the averages (the
 * paper's eps1 = 1e-30); means replace the paper's sums (the same estimate). As the paper's
 * recommended configuration and PyTorch, there is no first moment (momentum, `beta1 = 0`);
 * relative step sizes and update clipping (`d`) are always on.
 * Reference: Shazeer and Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost" (ICML 2018).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array(6).fill(0.5), { shape: [2, 3] }); // factored
 * const b = new Parameter(new Float32Array(3));                              // full second moment
 * const opt = new Adafactor([w, b], { lr: 1e-2 });
 * w.grad!.fill(0.1);
 * b.grad!.fill(0.1);
 * opt.step();
 * ```
 */
export class Adafactor extends Optimizer<AdafactorOptions> {
  constructor(params: Params<AdafactorOptions>, options: Partial<AdafactorOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: AdafactorOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}beta2Decay`, o.beta2Decay, { max: 0 });
    if (!Array.isArray(o.eps) || o.eps.length !== 2) {
      throw check.invalidParameterError(`${prefix}eps`, 'a pair [eps1 or null, eps2]', o.eps);
    }
    if (o.eps[0] !== null) check.number(`${prefix}eps[0]`, o.eps[0], { min: 0 });
    check.number(`${prefix}eps[1]`, o.eps[1], { min: 0 });
    check.number(`${prefix}d`, o.d, { min: 1 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { row_var: 'optional', col_var: 'optional', variance: 'optional' };
  }

  protected override initialState(_group: ParamGroup<AdafactorOptions>, p: ParamLike): ParamState {
    const f = factorsOf(p);
    return f
      ? { step: 0, row_var: new Float32Array(f.batch * f.rows), col_var: new Float32Array(f.batch * f.cols) }
      : { step: 0, variance: stateBuffer(p, 'variance') };
  }

  protected override tensorInfo(params: readonly ParamLike[]): Record<string, PerTensor> {
    const factors = params.map(factorsOf);
    const size = (pick: (f: Factors) => number) => Float64Array.from(factors, (f) => (f ? pick(f) : 0));
    return {
      factored: Uint8Array.from(factors, (f) => (f ? 1 : 0)),
      batch: size((f) => f.batch),
      rows: size((f) => f.rows),
      cols: size((f) => f.cols),
    };
  }

  protected stepGroup(group: ParamGroup<AdafactorOptions>, step: GroupStep): void {
    const n = step.states.length;
    const oneMinusBeta2 = new Float64Array(n);
    const rho = new Float64Array(n);
    step.states.forEach((s, i) => {
      const t = (s.step as number) + 1;
      oneMinusBeta2[i] = t ** group.beta2Decay;
      rho[i] = Math.min(group.lr, 1 / Math.sqrt(t));
    });
    step.run({
      ...step.info,
      one_minus_beta2: oneMinusBeta2,
      rho,
      eps1: group.eps[0] ?? FLOAT32_EPSILON,
      eps2: group.eps[1],
      d: group.d,
      decay: 1 - group.lr * group.weightDecay,
      maximize: group.maximize,
    });
  }
}
