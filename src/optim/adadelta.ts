import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** Adadelta's options: PyTorch's `torch.optim.Adadelta` names in camelCase, with its defaults. */
export interface AdadeltaOptions {
  /** Coefficient that scales the delta before it is applied to the parameters. Default 1.0. */
  lr: number;
  /** Coefficient of the running averages of the squared gradient and squared delta. Default 0.9. */
  rho: number;
  /** Added inside both square roots for numerical stability. Default 1e-6. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: AdadeltaOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'Adadelta',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'square_avg', kind: 'tensor' },
    { key: 'acc_delta', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'adadelta', elementwise: true },
};

/**
 * Adadelta, as PyTorch's `torch.optim.Adadelta`.
 *
 * For each parameter `p` with gradient `g`:
 * ```text
 * g     <- -g                                   if maximize
 * g     <- g + weightDecay * p                  if weightDecay != 0
 * v     <- rho * v + (1 - rho) * g^2
 * delta =  sqrt(u + eps) / sqrt(v + eps) * g
 * u     <- rho * u + (1 - rho) * delta^2
 * p     <- p - lr * delta
 * ```
 * State per parameter: `step`, `square_avg` (v) and `acc_delta` (u), created at the
 * parameter's first step.
 * Reference: Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Adadelta([w], { rho: 0.95 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.995528, 2.00447, 2.99553]: the first step is sqrt(eps / (1 - rho)) times g / |g|, about 0.0045
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: AdadeltaOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}rho`, o.rho, { min: 0, max: 1 });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { square_avg: true, acc_delta: true };
  }

  protected stepGroup(group: ParamGroup<AdadeltaOptions>, step: GroupStep): void {
    step.run({ lr: group.lr, rho: group.rho, eps: group.eps, weight_decay: group.weightDecay, maximize: group.maximize });
  }
}
