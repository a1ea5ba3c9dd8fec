import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { freshState } from './state.js';

/** ASGD's options: PyTorch's `torch.optim.ASGD` names in camelCase, with its defaults. */
export interface ASGDOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Decay term (lambda): the weights shrink by `1 - lambd * eta`, and eta decays with it. Default 1e-4. */
  lambd: number;
  /** Power of the step-size decay. Default 0.75. */
  alpha: number;
  /** The step after which averaging starts. Default 1e6. */
  t0: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: ASGDOptions = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'ASGD',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'eta', kind: 'number' },
    { key: 'mu', kind: 'number' },
    { key: 'ax', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'asgd', elementwise: true },
};

/**
 * ASGD, averaged stochastic gradient descent, as PyTorch's `torch.optim.ASGD`.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter), with `eta`
 * and `mu` from its state (`lr` and 1 before the first step):
 * ```text
 * g    <- -g                                    if maximize
 * g    <- g + weightDecay * p                   if weightDecay != 0
 * p    <- p * (1 - lambd * eta) - eta * g
 * ax   <- p  if mu = 1,  else  ax + mu * (p - ax)
 * eta  <- lr / (1 + lambd * lr * t)^alpha
 * mu   <- 1 / max(1, t - t0)
 * ```
 * `ax` is the running average of the parameter (the averaged iterate to evaluate with); the
 * parameter itself follows plain SGD with a decaying step. State per parameter: `step`, `eta`,
 * `mu` (numbers: PyTorch keeps float32 0-d tensors, and they are rounded to float32 here the
 * same way) and `ax`, created at the parameter's first step.
 * References: Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging"
 * (SIAM J. Control Optim. 1992); Bottou, "Stochastic Gradient Descent Tricks" (2012).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new ASGD([w], { lr: 1e-2, t0: 100 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * const averaged = opt.state.get(w)!.ax;
 * console.log(w.data, averaged); // ≈ [0.995, 2.005, 2.99] and the same: ax copies p until step t0
 * ```
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Params<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: ASGDOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}lambd`, o.lambd, { min: 0 });
    check.number(`${prefix}alpha`, o.alpha, { min: 0 });
    check.number(`${prefix}t0`, o.t0, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { ax: true };
  }

  /** PyTorch starts eta as a float32 tensor of the group's lr, mu as 1. */
  protected override initialState(group: ParamGroup<ASGDOptions>, p: ParamLike): ParamState {
    return Object.assign(freshState(p, 'ax'), { eta: Math.fround(group.lr), mu: 1 });
  }

  protected stepGroup(group: ParamGroup<ASGDOptions>, step: GroupStep): void {
    const { lr, lambd, alpha, t0 } = group;
    const { states } = step;
    // The next step's eta and mu, in double and then stored as PyTorch's float32 tensors.
    const t = states.map((s) => (s.step as number) + 1);
    const eta = t.map((ti) => Math.fround(lr / (1 + lambd * lr * ti) ** alpha));
    const mu = t.map((ti) => Math.fround(1 / Math.max(1, ti - t0)));
    step.run(
      {
        eta: Float64Array.from(states, (s) => s.eta as number),
        mu: Float64Array.from(states, (s) => s.mu as number),
        lambd,
        weight_decay: group.weightDecay,
        maximize: group.maximize,
      },
      (s, i) => {
        s.eta = eta[i];
        s.mu = mu[i];
      },
    );
  }
}
