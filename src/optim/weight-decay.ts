/**
 * Where weight decay goes, for the kernels that take both forms (Adam, NAdam, RAdam): an L2
 * term of the gradient (`g += weightDecay * p`, PyTorch's default), or decoupled from it as in
 * AdamW (`p *= 1 - lr * weightDecay`, PyTorch's `decoupled_weight_decay=True`).
 */

/** The kernel arguments `weight_decay` (the L2 coefficient) and `decay` (the factor on the parameter). */
export function weightDecayArgs(lr: number, weightDecay: number, decoupled: boolean): { weight_decay: number; decay: number } {
  return decoupled ? { weight_decay: 0, decay: 1 - lr * weightDecay } : { weight_decay: weightDecay, decay: 1 };
}
