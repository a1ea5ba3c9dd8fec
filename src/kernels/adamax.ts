import type { AdamaxKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Adamax kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/adamax.h`; scalars are
 * rounded to float32 as the native path broadcasts them (1 - beta1 taken in double first), the
 * arithmetic per element is done in double and rounded once on store.
 */
export function adamax(args: AdamaxKernelArgs): void {
  args = checkGroup('adamax', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'exp_avg', written: true },
      { key: 'exp_inf', written: true },
    ],
    perTensor: [{ key: 'clr', type: Float64Array }],
    numbers: ['beta1', 'beta2', 'eps', 'weight_decay'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const beta1 = f(args.beta1);
  const oneMinusBeta1 = f(1 - args.beta1);
  const beta2 = f(args.beta2);
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const m = args.exp_avg[t];
    const u = args.exp_inf[t];
    const negClr = f(-args.clr[t]);
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // g += weight_decay * p
      m[i] = m[i] * beta1 + oneMinusBeta1 * gi; // m = beta1 m + (1 - beta1) g
      u[i] = Math.max(u[i] * beta2, Math.abs(gi) + eps); // u = max(beta2 u, |g| + eps), NaN propagating
      p[i] += negClr * (m[i] / u[i]); // p -= lr / (1 - beta1^t) m / u
    }
  }
}
