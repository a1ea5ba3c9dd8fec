import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** LAMB's options (PyTorch has no LAMB; names and defaults follow the paper and common implementations). */
export interface LAMBOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-6. */
  eps: number;
  /** Weight decay added to the Adam direction before the trust ratio: `u = r + weightDecay * p`. Default 0. */
  weightDecay: number;
  /** Divide the moments by `1 - beta^t` (Adam's bias correction); false leaves them as they are. Default true. */
  biasCorrection: boolean;
  /** Clamp the trust ratio to at most this (for example 1, or 10); null for no clamp. Default null. */
  maxTrustRatio: number | null;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: LAMBOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0, biasCorrection: true, maxTrustRatio: null, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'LAMB',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'exp_avg', kind: 'tensor' },
    { key: 'exp_avg_sq', kind: 'tensor' },
  ],
  torchGroupKeys: {},
  kernel: { name: 'lamb', elementwise: false },
};

/**
 * LAMB: Adam's direction with the weight decay added, scaled per tensor by the trust ratio
 * `||p|| / ||u||`, so that every layer moves by about `lr` times its own norm. The norms are
 * computed by the kernel itself, in double, in the same single call per group.
 *
 * For each parameter `p` (a whole tensor) with gradient `g` at its step `t`:
 * ```text
 * g     <- -g                                       if maximize
 * m     <- beta1 * m + (1 - beta1) * g
 * v     <- beta2 * v + (1 - beta2) * g^2
 * r     <- (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)   (no 1 - beta^t without biasCorrection)
 * u     <- r + weightDecay * p
 * trust <- ||p|| / ||u||, or 1 when ||p|| = 0 or ||u|| = 0;  trust <- min(trust, maxTrustRatio)
 * p     <- p - lr * trust * u
 * ```
 * A NaN anywhere in a tensor (or in its update) makes its trust ratio, and so the whole tensor,
 * NaN, as optax's `lamb`, rather than a step rescaled without warning.
 * State per parameter: `step`, `exp_avg` (m) and `exp_avg_sq` (v).
 * Reference: You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76
 * minutes" (ICLR 2020), Algorithm 2 (with phi the identity, or a clamp with maxTrustRatio).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new LAMB([w], { lr: 1e-3, weightDecay: 0.01 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.997833, 2.0021, 2.99779]: the Adam direction scaled by the trust ratio ||p|| / ||u||
 * ```
 */
export class LAMB extends Optimizer<LAMBOptions> {
  constructor(params: Params<LAMBOptions>, options: Partial<LAMBOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: LAMBOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1, maxOpen: true });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}biasCorrection`, o.biasCorrection);
    if (o.maxTrustRatio !== null) check.number(`${prefix}maxTrustRatio`, o.maxTrustRatio, { min: 0, minOpen: true });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { exp_avg: true, exp_avg_sq: true };
  }

  protected stepGroup(group: ParamGroup<LAMBOptions>, step: GroupStep): void {
    const [beta1, beta2] = group.betas;
    const n = step.states.length;
    const bc1 = new Float64Array(n).fill(1);
    const bc2Sqrt = new Float64Array(n).fill(1);
    if (group.biasCorrection) {
      step.states.forEach((s, i) => {
        const t = (s.step as number) + 1;
        bc1[i] = 1 - beta1 ** t;
        bc2Sqrt[i] = Math.sqrt(1 - beta2 ** t);
      });
    }
    step.run({
      bias_correction1: bc1,
      bias_correction2_sqrt: bc2Sqrt,
      lr: group.lr,
      beta1,
      beta2,
      eps: group.eps,
      weight_decay: group.weightDecay,
      max_trust_ratio: group.maxTrustRatio ?? Infinity,
      maximize: group.maximize,
    });
  }
}
