import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { freshState } from './state.js';
import { weightDecayArgs } from './weight-decay.js';

/** NAdam's options: PyTorch's `torch.optim.NAdam` names in camelCase, with its defaults. */
export interface NAdamOptions {
  /** Learning rate. Default 2e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay: an L2 penalty added to the gradient, or decoupled (see `decoupledWeightDecay`). Default 0. */
  weightDecay: number;
  /** How fast the momentum schedule mu_t approaches beta1 / 2 ... beta1 (psi). Default 4e-3. */
  momentumDecay: number;
  /** Decay the weights (`p *= 1 - lr * weightDecay`, as AdamW) instead of adding an L2 term to the gradient. Default false. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: NAdamOptions = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  momentumDecay: 4e-3,
  decoupledWeightDecay: false,
  maximize: false,
};

const SPEC: OptimizerSpec = {
  name: 'NAdam',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'mu_product', kind: 'number' },
    { key: 'exp_avg', kind: 'tensor' },
    { key: 'exp_avg_sq', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'nadam', elementwise: true },
};

/**
 * NAdam, Adam with Nesterov momentum, as PyTorch 2.x's `torch.optim.NAdam`.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g     <- -g                              if maximize
 * p     <- p * (1 - lr * weightDecay)      if decoupledWeightDecay
 * g     <- g + weightDecay * p             otherwise, if weightDecay != 0
 * mu_t  =  beta1 * (1 - 0.5 * 0.96^(t * momentumDecay))     (and mu_{t+1} likewise)
 * P     <- P * mu_t                        (mu_product: mu_1 ... mu_t)
 * m     <- beta1 * m + (1 - beta1) * g
 * v     <- beta2 * v + (1 - beta2) * g^2
 * d     =  sqrt(v / (1 - beta2^t)) + eps
 * p     <- p - lr * (1 - mu_t) / (1 - P) * g / d - lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d
 * ```
 * State per parameter: `step`, `mu_product` (P, a number: PyTorch keeps a float32 0-d tensor,
 * and it is rounded to float32 here at every step the same way), `exp_avg` (m), `exp_avg_sq` (v),
 * created at the parameter's first step.
 *
 * PyTorch 1.13's default (single-tensor) implementation used `P * mu_t * mu_{t+1}` in the last
 * term, counting mu_t twice; PyTorch 2.0 fixed it (pytorch/pytorch#92699) and 1.13's foreach
 * implementation never had it. This class follows the fixed rule.
 * Reference: Dozat, "Incorporating Nesterov Momentum into Adam" (ICLR 2016 workshop).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new NAdam([w], { lr: 2e-3, momentumDecay: 4e-3 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.997887, 2.00211, 2.99789]
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: NAdamOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1, maxOpen: true });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.number(`${prefix}momentumDecay`, o.momentumDecay, { min: 0 });
    check.boolean(`${prefix}decoupledWeightDecay`, o.decoupledWeightDecay);
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { exp_avg: true, exp_avg_sq: true };
  }

  protected override initialState(_group: ParamGroup<NAdamOptions>, p: ParamLike): ParamState {
    return Object.assign(freshState(p, 'exp_avg', 'exp_avg_sq'), { mu_product: 1 });
  }

  protected stepGroup(group: ParamGroup<NAdamOptions>, step: GroupStep): void {
    const [beta1, beta2] = group.betas;
    const { lr, momentumDecay } = group;
    const n = step.states.length;
    const muProduct = new Float64Array(n);
    const stepSizeGrad = new Float64Array(n);
    const stepSizeExpAvg = new Float64Array(n);
    const bc2Sqrt = new Float64Array(n);
    step.states.forEach((s, i) => {
      const t = (s.step as number) + 1;
      // The momentum schedule and the step's scalars in double, per parameter, as PyTorch.
      const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
      // PyTorch's mu_product is a float32 0-d tensor: `mu_product *= mu` multiplies two float32s.
      muProduct[i] = Math.fround((s.mu_product as number) * Math.fround(mu));
      stepSizeGrad[i] = (lr * (1 - mu)) / (1 - muProduct[i]);
      stepSizeExpAvg[i] = (lr * muNext) / (1 - muProduct[i] * muNext);
      bc2Sqrt[i] = Math.sqrt(1 - beta2 ** t);
    });
    step.run(
      {
        step_size_grad: stepSizeGrad,
        step_size_exp_avg: stepSizeExpAvg,
        bias_correction2_sqrt: bc2Sqrt,
        beta1,
        beta2,
        eps: group.eps,
        ...weightDecayArgs(lr, group.weightDecay, group.decoupledWeightDecay),
        maximize: group.maximize,
      },
      (s, i) => {
        s.mu_product = muProduct[i];
      },
    );
  }
}
