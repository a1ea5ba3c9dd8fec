import { Optimizer, type ParamGroup, type Params, type ParamState } from '../optimizer.js';
import * as check from '../validate.js';
import type { GroupStep, Lists } from './plan.js';

/** SGD's options: PyTorch's `torch.optim.SGD` names in camelCase, with its defaults. */
export interface SGDOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening for momentum. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

const DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

/**
 * Stochastic gradient descent with optional momentum, as PyTorch's `torch.optim.SGD`.
 *
 * For each parameter `p` with gradient `g` at step `t`:
 * ```text
 * g   <- -g                              if maximize
 * g   <- g + weightDecay * p             if weightDecay != 0
 * b_t <- g                               if momentum != 0 and t = 1
 * b_t <- momentum * b_{t-1} + (1 - dampening) * g   if momentum != 0 and t > 1
 * g   <- g + momentum * b_t  (nesterov)  or  b_t     if momentum != 0
 * p   <- p - lr * g
 * ```
 * State per parameter: `momentum_buffer` (null when momentum is 0).
 * References: Sutskever et al., "On the importance of initialization and momentum in deep
 * learning" (ICML 2013).
 *
 * @example
 * ```ts
 * const w = new Parameter(new Float32Array([1, 2, 3]));
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.grad!.set([0.5, -0.5, 1]);
 * opt.step();
 * console.log(w.data); // ≈ [0.95, 2.05, 2.9]: p - lr * g (the momentum buffer starts as g)
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, { ...DEFAULTS, ...options }, {
      name: 'SGD',
      state: [{ key: 'momentum_buffer', kind: 'tensorOrNull' }],
      torchGroupKeys: { foreach: null, differentiable: false },
      kernel: { name: 'sgd', elementwise: true },
    });
  }

  protected validate(o: SGDOptions, prefix: string): void {
    check.number(`${prefix}lr`, o.lr, { min: 0 });
    check.number(`${prefix}momentum`, o.momentum, { min: 0 });
    check.number(`${prefix}dampening`, o.dampening);
    check.number(`${prefix}weightDecay`, o.weightDecay, { min: 0 });
    check.boolean(`${prefix}maximize`, o.maximize);
    if (check.boolean(`${prefix}nesterov`, o.nesterov) && (o.momentum <= 0 || o.dampening !== 0)) {
      throw check.invalidParameterError(`${prefix}nesterov`, 'false unless momentum > 0 and dampening = 0', o.nesterov);
    }
  }

  protected lists(group: ParamGroup<SGDOptions>): Lists {
    // Without momentum the step stores momentum_buffer: null (dropping a buffer the state had).
    return { momentum_buffer: group.momentum !== 0 ? true : 'clear' };
  }

  protected override initialState(): ParamState {
    return { momentum_buffer: null };
  }

  protected stepGroup(group: ParamGroup<SGDOptions>, step: GroupStep): void {
    const useMomentum = group.momentum !== 0;
    step.run({
      // First step with momentum: the buffer starts as the gradient.
      momentum_buffer_init: useMomentum ? step.created('momentum_buffer') : undefined,
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weight_decay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
    });
  }
}
