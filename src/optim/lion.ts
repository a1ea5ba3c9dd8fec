import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** Lion's options (PyTorch has no Lion; names and defaults follow the paper and lion-pytorch). */
export interface LionOptions {
  /** Learning rate. Lion's steps are +-lr per element, so it wants 3-10x less than AdamW. Default 1e-4. */
  lr: number;
  /** `[beta1, beta2]`: beta1 interpolates the step direction, beta2 updates the momentum. Default [0.9, 0.99]. */
  betas: [number, number];
  /** Decoupled weight decay: `p *= 1 - lr * weightDecay` each step. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'Lion',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'exp_avg', kind: 'tensor' },
  ],
  torchGroupKeys: {},
  kernel: { name: 'lion', elementwise: true },
};

/**
 * Lion ("EvoLved Sign Momentum"): the sign of an interpolation of momentum and gradient, with
 * decoupled weight decay. One momentum buffer per parameter (half of Adam's state).
 *
 * For each parameter `p` with gradient `g`:
 * ```text
 * g  <- -g                                    if maximize
 * c  <- beta1 * m + (1 - beta1) * g
 * p  <- p * (1 - lr * weightDecay) - lr * sign(c)
 * m  <- beta2 * m + (1 - beta2) * g
 * ```
 * `sign(0) = 0`. State per parameter: `step` and `exp_avg` (m, zeros before the first step).
 * Every backend and instruction set computes this in plain float32 operations and gives the
 * same bits (see `native/optim/lion.h`).
 * Reference: Chen et al., "Symbolic Discovery of Optimization Algorithms" (NeurIPS 2023),
 * Algorithm 2.
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Lion([w], { lr: 1e-4, weightDecay: 1 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.9998, 1.9999, 2.9996]: lr * (sign(update) + weightDecay * p)
 * ```
 */
export class Lion extends Optimizer<LionOptions> {
  constructor(params: Params<LionOptions>, options: Partial<LionOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: LionOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { exp_avg: true };
  }

  protected stepGroup(group: ParamGroup<LionOptions>, step: GroupStep): void {
    step.run({
      lr: group.lr,
      beta1: group.betas[0],
      beta2: group.betas[1],
      decay: 1 - group.lr * group.weightDecay,
      maximize: group.maximize,
    });
  }
}
