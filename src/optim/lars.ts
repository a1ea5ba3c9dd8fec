import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists, PerTensor } from './plan.js';

/** LARS's options (PyTorch has no LARS; names and defaults follow the paper and common implementations). */
export interface LARSOptions {
  /** Global learning rate (the paper's gamma; the local rate below scales it per tensor). Default 1. */
  lr: number;
  /** Momentum factor. Default 0.9. */
  momentum: number;
  /** L2 penalty added to the gradient, inside the trust ratio's scaling. Default 0. */
  weightDecay: number;
  /** The trust coefficient eta of the local learning rate. Default 0.001. */
  trustCoefficient: number;
  /** Added to the local learning rate's denominator. Default 1e-8. */
  eps: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov: boolean;
  /**
   * Exclude parameters of at most one dimension (biases, normalization scales and shifts: a
   * `shape` of length <= 1, or no shape) from weight decay and from the trust ratio; they take
   * plain momentum SGD steps. As optax's `lars` with `weight_decay_mask` and `trust_ratio_mask`
   * both `ndim > 1`, and the `exclude_bias_and_norm` of common PyTorch LARS code. Default false.
   */
  excludeBiasAndNorm: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: LARSOptions = {
  lr: 1,
  momentum: 0.9,
  weightDecay: 0,
  trustCoefficient: 0.001,
  eps: 1e-8,
  nesterov: false,
  excludeBiasAndNorm: false,
  maximize: false,
};

const SPEC: OptimizerSpec = {
  name: 'LARS',
  state: [{ key: 'momentum_buffer', kind: 'tensorOrNull' }],
  torchGroupKeys: {},
  kernel: { name: 'lars', elementwise: false },
};

/** A parameter of at most one dimension (or without a shape): a bias or a normalization parameter. */
const isVector = (p: ParamLike) => p.shape === undefined || p.shape.length <= 1;

/**
 * LARS (layer-wise adaptive rate scaling): SGD with momentum whose step is scaled per tensor by
 * a local learning rate `trustCoefficient * ||p|| / (||g|| + weightDecay * ||p|| + eps)`, so that
 * every layer moves by about the same fraction of its norm. The norms are computed by the
 * kernel itself, in double, in the same single call per group.
 *
 * For each parameter `p` (a whole tensor) with gradient `g`:
 * ```text
 * g     <- -g                                           if maximize
 * local <- trustCoefficient * ||p|| / (||g|| + weightDecay * ||p|| + eps),
 *          or 1 when ||p|| = 0 or ||g|| = 0
 * d     <- local * (g + weightDecay * p)
 * b     <- momentum * b + d                             (b starts at zeros)
 * d     <- nesterov ? d + momentum * b : b              if momentum != 0
 * p     <- p - lr * d
 * ```
 * With `excludeBiasAndNorm`, parameters of at most one dimension take `local = 1` and no
 * weight decay. A NaN in a tensor or its gradient makes `local`, and so the whole tensor, NaN
 * (as optax's `lars`), rather than a step rescaled without warning. The momentum is PyTorch's SGD form (`lr` outside the buffer), as in most
 * PyTorch LARS code; the paper folds `lr * local` into the buffer, which is the same for a
 * constant `lr`. State per parameter: `momentum_buffer` (null when momentum is 0).
 * Reference: You, Gitman and Ginsburg, "Large Batch Training of Convolutional Networks"
 * (arXiv:1708.03888, 2017), Algorithm 1.
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array(6).fill(0.5), { shape: [2, 3] });
 * const b = new Parameter(new Float32Array(2));
 * const opt = new LARS([w, b], { lr: 0.5, weightDecay: 1e-4, excludeBiasAndNorm: true });
 * w.grad!.fill(0.1);
 * b.grad!.fill(0.1);
 * opt.step();
 * console.log(w.data, b.data); // ≈ [0.49975, ...] [-0.05, -0.05]: w takes a trust-ratio step, the excluded bias plain SGD
 * ```
 */
export class LARS extends Optimizer<LARSOptions> {
  constructor(params: Params<LARSOptions>, options: Partial<LARSOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: LARSOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}momentum`, o.momentum, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.number(`${prefix}trustCoefficient`, o.trustCoefficient, { min: 0 });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.boolean(`${prefix}excludeBiasAndNorm`, o.excludeBiasAndNorm);
    check.boolean(`${prefix}maximize`, o.maximize);
    if (check.boolean(`${prefix}nesterov`, o.nesterov) && o.momentum <= 0) {
      throw check.invalidParameterError(`${prefix}nesterov`, 'false unless momentum > 0', o.nesterov);
    }
  }

  protected lists(group: ParamGroup<LARSOptions>): Lists {
    return { momentum_buffer: group.momentum !== 0 ? true : 'clear' };
  }

  protected override initialState(): ParamState {
    return { momentum_buffer: null };
  }

  protected override tensorInfo(params: readonly ParamLike[]): Record<string, PerTensor> {
    return { vector: Uint8Array.from(params, (p) => (isVector(p) ? 1 : 0)) };
  }

  protected stepGroup(group: ParamGroup<LARSOptions>, step: GroupStep): void {
    step.run({
      exclude: group.excludeBiasAndNorm ? step.info.vector : new Uint8Array(1),
      lr: group.lr,
      momentum: group.momentum,
      weight_decay: group.weightDecay,
      trust_coefficient: group.trustCoefficient,
      eps: group.eps,
      nesterov: group.nesterov,
      maximize: group.maximize,
    });
  }
}
