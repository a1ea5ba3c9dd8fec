import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from '../optimizer.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';
import { freshState } from './state.js';

/** Rprop's options: PyTorch's `torch.optim.Rprop` names in camelCase, with its defaults. */
export interface RpropOptions {
  /** Learning rate: every element's initial step size. Default 1e-2. */
  lr: number;
  /** `[etaminus, etaplus]`: the step-size factors when the gradient's sign flips and when it holds, 0 < etaminus < 1 < etaplus. Default [0.5, 1.2]. */
  etas: [number, number];
  /** `[min, max]`: the bounds of the step sizes. Default [1e-6, 50]. */
  stepSizes: [number, number];
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: RpropOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false };

const SPEC: OptimizerSpec = {
  name: 'Rprop',
  state: [
    { key: 'step', kind: 'number' },
    { key: 'prev', kind: 'tensor' },
    { key: 'step_size', kind: 'tensor' },
  ],
  torchGroupKeys: { foreach: null },
  kernel: { name: 'rprop', elementwise: true },
};

/**
 * Rprop (resilient backpropagation), as PyTorch's `torch.optim.Rprop`: every element has its
 * own step size, and only the sign of the gradient moves it.
 *
 * For each element of a parameter `p` with gradient `g`:
 * ```text
 * g     <- -g                                          if maximize
 * s     <- clamp(s * (etaplus   if g * prev > 0,
 *                     etaminus  if g * prev < 0,
 *                     1         otherwise), min, max)
 * g     <- 0                                           if g * prev < 0 (the sign flipped)
 * p     <- p - sign(g) * s
 * prev  <- g
 * ```
 * State per parameter: `step`, `prev` (zeros at first) and `step_size` (s, filled with the
 * group's `lr` at the parameter's first step), created at the first step. As in PyTorch,
 * `sign(NaN)` is 0: a NaN gradient leaves the element and its step size unchanged.
 * Reference: Riedmiller and Braun, "A Direct Adaptive Method for Faster Backpropagation
 * Learning: The RPROP Algorithm" (ICNN 1993).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new Rprop([w], { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50] });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.99, 2.01, 2.99]: each element moves by its step size (lr at first) against the gradient's sign
 * ```
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Params<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, SPEC);
  }

  protected validate(o: RpropOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.pairWhere(`${prefix}etas`, o.etas, '0 < etaminus < 1 < etaplus', (minus, plus) => minus > 0 && minus < 1 && plus > 1);
    check.pairWhere(`${prefix}stepSizes`, o.stepSizes, '0 <= min <= max', (min, max) => min >= 0 && min <= max);
    check.boolean(`${prefix}maximize`, o.maximize);
  }

  protected lists(): Lists {
    return { prev: true, step_size: true };
  }

  /** Every element's step size starts at the group's learning rate. */
  protected override initialState(group: ParamGroup<RpropOptions>, p: ParamLike): ParamState {
    const s = freshState(p, 'prev', 'step_size');
    (s.step_size as Float32Array).fill(group.lr);
    return s;
  }

  protected stepGroup(group: ParamGroup<RpropOptions>, step: GroupStep): void {
    const [etaminus, etaplus] = group.etas;
    const [min, max] = group.stepSizes;
    step.run({ etaminus, etaplus, step_size_min: min, step_size_max: max, maximize: group.maximize });
  }
}
