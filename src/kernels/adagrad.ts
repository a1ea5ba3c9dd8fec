import type { AdagradKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Adagrad kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/adagrad.h`; scalars are
 * rounded to float32 as the native path broadcasts them, the arithmetic per element is done in
 * double and rounded once on store.
 */
export function adagrad(args: AdagradKernelArgs): void {
  args = checkGroup('adagrad', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'sum', written: true },
    ],
    perTensor: [{ key: 'clr', type: Float64Array }],
    numbers: ['eps', 'weight_decay'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const sum = args.sum[t];
    const negClr = f(-args.clr[t]);
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // g += weight_decay * p
      sum[i] += gi * gi; // sum += g^2
      const std = Math.sqrt(sum[i]) + eps; // sqrt(sum) + eps
      p[i] += negClr * (gi / std); // p -= clr g / std
    }
  }
}
