/** The UCI digits and the example MLP, as a small real training problem for the training helpers' tests. */
import { loadDigits, type Split } from '../../examples/digits/data.js';
import { MLP } from '../../examples/digits/mlp.js';

export { MLP };

export const digits = loadDigits(1);

/** Batch `i` of `size` rows of `split`, cycling through it in order. */
export function batch(split: Split, i: number, size: number): { x: Float32Array; y: Uint8Array } {
  const start = (i * size) % (split.count - size);
  return { x: split.x.subarray(start * 64, (start + size) * 64), y: split.y.subarray(start, start + size) };
}

/** One forward and backward pass of `model` on batch `i`: writes the gradients, returns the loss. */
export function lossAndGrad(model: MLP, split: Split, i: number, size: number): number {
  const b = batch(split, i, size);
  model.forward(b.x, size);
  return model.backward(b.x, b.y, size);
}
