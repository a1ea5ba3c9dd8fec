import { Optimizer, type OptimizerSpec, type ParamGroup, type ParamGroupInput, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { stateBuffer } from './state.js';

/** Adagrad's options: PyTorch's `torch.optim.Adagrad` names in camelCase, with its defaults. */
export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Learning-rate decay: step `t` uses `lr / (1 + (t - 1) * lrDecay)`. Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /**
   * Starting value of every element of the sum of squared gradients. Default 0. As in PyTorch,
   * the constructor's value is used for every parameter (a group's own value is kept in the
   * group but does not change its accumulators).
   */
  initialAccumulatorValue: number;
  /** Added to the denominator (after the square root) for numerical stability. Default 1e-10. */
  eps: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

const SPEC: OptimizerSpec = {
  name: 'Adagrad',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'sum', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'adagrad', elementwise: true },
};

/**
 * Adagrad, as PyTorch's `torch.optim.Adagrad`.
 *
 * For each parameter `p` with gradient `g` at its step `t` (counted per parameter):
 * ```text
 * g    <- -g                              if maximize
 * g    <- g + weightDecay * p             if weightDecay != 0
 * clr  =  lr / (1 + (t - 1) * lrDecay)
 * sum  <- sum + g^2
 * p    <- p - clr * g / (sqrt(sum) + eps)
 * ```
 * State per parameter: `step` and `sum`. Like PyTorch, the state of every parameter exists as
 * soon as the parameter is added (`step` 0, `sum` filled with the constructor's
 * `initialAccumulatorValue`), so `stateDict()` lists it before the first step.
 * Reference: Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization" (JMLR 2011).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Adagrad([w], { lr: 0.1, lrDecay: 1e-3 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.9, 2.1, 2.9]: the first step is lr * g / |g|
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  /** Adds a group (see `Optimizer.addParamGroup`) and creates its parameters' state, as PyTorch's constructor does. */
  override addParamGroup(group: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(group);
    for (const p of this.paramGroups[this.paramGroups.length - 1].params) this.stateMap.store(p, this.newState(p));
  }

  protected validate(o: AdagradOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}lrDecay`, o.lrDecay, { min: 0 });
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.number(`${prefix}initialAccumulatorValue`, o.initialAccumulatorValue, { min: 0 });
    check.number(`${prefix}eps`, o.eps, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { sum: true };
  }

  /** A parameter whose state a loaded state dict lacked starts again from the initial value. */
  protected override initialState(_group: ParamGroup<AdagradOptions>, p: ParamLike): ParamState {
    return this.newState(p);
  }

  protected stepGroup(group: ParamGroup<AdagradOptions>, step: GroupStep): void {
    // The learning rate of each parameter's step, in double as PyTorch.
    const clr = Float64Array.from(step.states, (s) => group.lr / (1 + (s.step as number) * group.lrDecay));
    step.run({ clr, eps: group.eps, weight_decay: group.weightDecay, maximize: group.maximize });
  }

  private newState(p: ParamLike): ParamState {
    return { step: 0, sum: stateBuffer(p, 'sum').fill(this.defaults.initialAccumulatorValue) };
  }
}
