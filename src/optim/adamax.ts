import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** Adamax's options: PyTorch's `torch.optim.Adamax` names in camelCase, with its defaults. */
export interface AdamaxOptions {
  /** Learning rate. Default 2e-3. */
  lr: number;
  /** Coefficients of the running average of the gradient and of the decaying infinity norm. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to |g| in the infinity norm for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'Adamax',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'exp_avg', kind: 'tensor' },
    { key: 'exp_inf', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'adamax', elementwise: true },
};

/**
 * Adamax, the infinity-norm variant of Adam, as PyTorch's `torch.optim.Adamax`.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g  <- -g                              if maximize
 * g  <- g + weightDecay * p             if weightDecay != 0
 * m  <- beta1 * m + (1 - beta1) * g
 * u  <- max(beta2 * u, |g| + eps)       (a NaN on either side propagates)
 * p  <- p - lr / (1 - beta1^t) * m / u
 * ```
 * State per parameter: `step`, `exp_avg` (m) and `exp_inf` (u), created at the parameter's
 * first step.
 * Reference: Kingma and Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015),
 * section 7.1.
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Adamax([w], { lr: 2e-3, betas: [0.9, 0.999] });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.998, 2.002, 2.998]: lr * g / |g| at the first step
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: AdamaxOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1, maxOpen: true });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { exp_avg: true, exp_inf: true };
  }

  protected stepGroup(group: ParamGroup<AdamaxOptions>, step: GroupStep): void {
    const [beta1, beta2] = group.betas;
    // The bias-corrected learning rate of each parameter's step, in double as PyTorch.
    const clr = Float64Array.from(step.states, (s) => group.lr / (1 - beta1 ** ((s.step as number) + 1)));
    step.run({ clr, beta1, beta2, eps: group.eps, weight_decay: group.weightDecay, maximize: group.maximize });
  }
}
