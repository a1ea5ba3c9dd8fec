import { kernels } from '../backend.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { weightDecayArgs } from './weight-decay.js';

/** Adam's options: PyTorch's `torch.optim.Adam` names in camelCase, with its defaults. */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay: an L2 penalty added to the gradient for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant (the maximum of past second moments). Default false. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
  /**
   * Adam only (AdamW always decouples, and its groups have no such key, as PyTorch's): decay
   * the weights (`p *= 1 - lr * weightDecay`, AdamW's rule) instead of adding an L2 term to the
   * gradient. Default false.
   */
  decoupledWeightDecay?: boolean;
}

const DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };

const STATE: OptimizerSpec['state'] = [
  { key: 'step', kind: 'number' },
  { key: 'exp_avg', kind: 'tensor' },
  { key: 'exp_avg_sq', kind: 'tensor' },
  { key: 'max_exp_avg_sq', kind: 'tensor', optional: true },
];

/**
 * Adam, as PyTorch's `torch.optim.Adam` (weight decay as an L2 penalty on the gradient).
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g     <- -g                          if maximize
 * p     <- p * (1 - lr * weightDecay)  if decoupledWeightDecay (AdamW's rule)
 * g     <- g + weightDecay * p         otherwise, if weightDecay != 0
 * m     <- beta1 * m + (1 - beta1) * g
 * v     <- beta2 * v + (1 - beta2) * g^2
 * vmax  <- max(vmax, v)                if amsgrad (then v below means vmax)
 * p     <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * ```
 * State per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (amsgrad).
 * References: Kingma and Ba, "Adam: A Method for Stochastic Optimization" (ICLR 2015);
 * Reddi et al., "On the Convergence of Adam and Beyond" (ICLR 2018).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Adam([w], { lr: 1e-2 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.99, 2.01, 2.99]: the first step is lr * g / |g| after bias correction
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** @internal What a subclass (AdamW) changes: name, PyTorch's group keys, defaults, and where weight decay goes. */
  protected static readonly variant = {
    spec: {
      name: 'Adam',
      state: STATE,
      torchGroupKeys: { foreach: null, capturable: false, differentiable: false, fused: false },
      kernel: { name: 'adam', elementwise: true },
    } as OptimizerSpec,
    defaults: DEFAULTS as AdamOptions,
    /**
     * Where weight decay goes: undefined, the group's `decoupledWeightDecay` says (Adam); true,
     * always decoupled (AdamW, whose groups have no `decoupledWeightDecay`).
     */
    decoupledWeightDecay: undefined as boolean | undefined,
  };

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const { spec, defaults } = (new.target as typeof Adam).variant;
    super(params, { ...defaults, ...options }, spec);
  }

  protected validate(o: AdamOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pair(`${prefix}betas`, o.betas, { min: 0, max: 1, maxOpen: true });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}amsgrad`, o.amsgrad);
    check.boolean(`${prefix}maximize`, o.maximize);
    if ((this.constructor as typeof Adam).variant.decoupledWeightDecay === undefined) {
      check.boolean(`${prefix}decoupledWeightDecay`, o.decoupledWeightDecay);
    }
  }

  protected lists(group: ParamGroup<AdamOptions>): Lists {
    return { exp_avg: true, exp_avg_sq: true, max_exp_avg_sq: group.amsgrad };
  }

  protected stepGroup(group: ParamGroup<AdamOptions>, step: GroupStep): void {
    const [beta1, beta2] = group.betas;
    const { states } = step;
    const n = states.length;
    const stepSize = new Float64Array(n);
    const bc2Sqrt = new Float64Array(n);
    let lastT = -1;
    for (let i = 0; i < n; i++) {
      const t = (states[i].step as number) + 1;
      // Bias corrections in double, per parameter (each has its own step count), as PyTorch;
      // worked out once per run of equal step counts.
      if (t !== lastT) {
        lastT = t;
        stepSize[i] = group.lr / (1 - beta1 ** t);
        bc2Sqrt[i] = Math.sqrt(1 - beta2 ** t);
      } else {
        stepSize[i] = stepSize[i - 1];
        bc2Sqrt[i] = bc2Sqrt[i - 1];
      }
    }
    const decoupled = (this.constructor as typeof Adam).variant.decoupledWeightDecay ?? group.decoupledWeightDecay === true;
    step.run({
      step_size: stepSize,
      bias_correction2_sqrt: bc2Sqrt,
      beta1,
      beta2,
      eps: group.eps,
      ...weightDecayArgs(group.lr, group.weightDecay, decoupled),
      amsgrad: group.amsgrad,
      maximize: group.maximize,
    });
  }
}
