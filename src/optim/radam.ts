import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { weightDecayArgs } from './weight-decay.js';

/** RAdam's options: PyTorch's `torch.optim.RAdam` names in camelCase, with its defaults. */
export interface RAdamOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay: an L2 penalty added to the gradient, or decoupled (see `decoupledWeightDecay`). Default 0. */
  weightDecay: number;
  /** Decay the weights (`p *= 1 - lr * weightDecay`, as AdamW: "RAdamW") instead of adding an L2 term to the gradient. Default false. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'RAdam',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'exp_avg', kind: 'tensor' },
    { key: 'exp_avg_sq', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'radam', elementwise: true },
};

/**
 * RAdam, Adam with a rectified adaptive learning rate, as PyTorch 2.x's `torch.optim.RAdam`.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g      <- -g                              if maximize
 * p      <- p * (1 - lr * weightDecay)      if decoupledWeightDecay
 * g      <- g + weightDecay * p             otherwise, if weightDecay != 0
 * m      <- beta1 * m + (1 - beta1) * g
 * v      <- beta2 * v + (1 - beta2) * g^2
 * rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
 * if rho_t > 5:   r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 *                 p <- p - lr / (1 - beta1^t) * m * r * sqrt(1 - beta2^t) / (sqrt(v) + eps)
 * otherwise:      p <- p - lr / (1 - beta1^t) * m
 * ```
 * The branch depends on the parameter's step count only, so it is taken once per tensor. State
 * per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v), created at the parameter's first step.
 * Reference: Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond" (ICLR 2020).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new RAdam([w], { lr: 1e-3, weightDecay: 1e-2, decoupledWeightDecay: true });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.99949, 2.00048, 2.99897]: decay, then an unrectified momentum step (rho_1 <= 5)
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: RAdamOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1, maxOpen: true });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}decoupledWeightDecay`, o.decoupledWeightDecay);
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { exp_avg: true, exp_avg_sq: true };
  }

  protected stepGroup(group: ParamGroup<RAdamOptions>, step: GroupStep): void {
    const [beta1, beta2] = group.betas;
    const { lr } = group;
    const n = step.states.length;
    const stepSize = new Float64Array(n);
    const rectify = new Uint8Array(n);
    // The maximum length of the approximated simple moving average.
    const rhoInf = 2 / (1 - beta2) - 1;
    step.states.forEach((s, i) => {
      const t = (s.step as number) + 1;
      // In double, per parameter (each has its own step count), as PyTorch.
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      const rhoT = rhoInf - (2 * t * beta2 ** t) / bc2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        stepSize[i] = (lr * rect * Math.sqrt(bc2)) / bc1;
        rectify[i] = 1;
      } else {
        stepSize[i] = lr / bc1;
      }
    });
    step.run({
      step_size: stepSize,
      rectify,
      beta1,
      beta2,
      eps: group.eps,
      ...weightDecayArgs(lr, group.weightDecay, group.decoupledWeightDecay),
      maximize: group.maximize,
    });
  }
}
