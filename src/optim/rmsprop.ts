import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** RMSprop's options: PyTorch's `torch.optim.RMSprop` names in camelCase, with its defaults. */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant of the running average of the squared gradient. Default 0.99. */
  alpha: number;
  /** Added to the denominator (after the square root) for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Centered RMSprop: normalize by an estimate of the gradient's variance. Default false. */
  centered: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'RMSprop',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'square_avg', kind: 'tensor' },
    { key: 'momentum_buffer', kind: 'tensor', optional: true },
    { key: 'grad_avg', kind: 'tensor', optional: true },
  ],
  torchGroupKeys: { foreach: null, differentiable: false },
  kernel: { name: 'rmsprop', elementwise: true },
};

/**
 * RMSprop, as PyTorch's `torch.optim.RMSprop` (the square root is taken before `eps` is added).
 *
 * For each parameter `p` with gradient `g`:
 * ```text
 * g    <- -g                                 if maximize
 * g    <- g + weightDecay * p                if weightDecay != 0
 * v    <- alpha * v + (1 - alpha) * g^2
 * m    <- alpha * m + (1 - alpha) * g        if centered
 * avg  <- sqrt(v - m^2) + eps  if centered,  else  sqrt(v) + eps
 * b    <- momentum * b + g / avg;  p <- p - lr * b      if momentum > 0
 * p    <- p - lr * g / avg                              otherwise
 * ```
 * State per parameter: `step`, `square_avg` (v), `momentum_buffer` (b, when momentum > 0, starts
 * at zero) and `grad_avg` (m, when centered), created at the parameter's first step.
 * References: Hinton, "Neural Networks for Machine Learning", lecture 6e (2012); Graves,
 * "Generating Sequences With Recurrent Neural Networks" (2013) for the centered variant.
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new RMSprop([w], { lr: 1e-2, momentum: 0.9, centered: true });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.899496, 2.1005, 2.8995]
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: RMSpropOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}alpha`, o.alpha, { min: 0 });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.number(`${prefix}momentum`, o.momentum, { min: 0 });
    check.boolean(`${prefix}centered`, o.centered);
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(group: ParamGroup<RMSpropOptions>): Lists {
    // PyTorch creates these with the state; a group whose options changed since gets them now.
    return { square_avg: true, momentum_buffer: group.momentum > 0, grad_avg: group.centered };
  }

  protected stepGroup(group: ParamGroup<RMSpropOptions>, step: GroupStep): void {
    step.run({
      lr: group.lr,
      alpha: group.alpha,
      eps: group.eps,
      weight_decay: group.weightDecay,
      momentum: group.momentum,
      centered: group.centered,
      maximize: group.maximize,
    });
  }
}
