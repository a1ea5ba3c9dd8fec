import type { Params } from '../optimizer.js';
import { Adam, type AdamOptions } from './adam.js';

/** AdamW's options: Adam's, with `weightDecay` always decoupled and defaulting to 1e-2. */
export type AdamWOptions = Omit<AdamOptions, 'decoupledWeightDecay'>;

/**
 * AdamW, as PyTorch's `torch.optim.AdamW`: Adam with the weight decay decoupled from the
 * gradient. The same kernel as Adam; only the decay differs:
 * ```text
 * p <- p * (1 - lr * weightDecay)      (instead of g <- g + weightDecay * p)
 * ... then Adam's update
 * ```
 * Default `weightDecay` 1e-2. State per parameter as Adam.
 * Reference: Loshchilov and Hutter, "Decoupled Weight Decay Regularization" (ICLR 2019).
 *
 * @example
 * ```ts
 * const w = Parameter.from([1, -2, 3]);
 * const opt = new AdamW([w], { lr: 1e-3, weightDecay: 0.05 });
 * w.grad!.set([0, 0, 0]);  // no gradient: only the decay acts
 * opt.step();
 * console.log(w.data[0]);  // 0.99995: 1 * (1 - 1e-3 * 0.05), to float32 rounding
 * ```
 */
export class AdamW extends Adam {
  /** @internal AdamW's name, PyTorch's group keys and defaults, and its always-decoupled weight decay. */
  protected static override readonly variant = {
    spec: { ...Adam.variant.spec, name: 'AdamW', torchGroupKeys: { foreach: null, capturable: false } },
    // PyTorch's AdamW groups have no decoupled_weight_decay key: AdamW always decouples.
    defaults: (({ decoupledWeightDecay: _, ...adam }) => ({ ...adam, weightDecay: 1e-2 }))(Adam.variant.defaults) as AdamOptions,
    decoupledWeightDecay: true,
  };

  constructor(params: Params<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, options);
  }
}
