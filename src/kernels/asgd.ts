import type { AsgdKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS ASGD kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/asgd.h`; scalars are
 * rounded to float32 as the native path broadcasts them (1 - lambd * eta taken in double
 * first), the arithmetic per element is done in double and rounded once on store.
 */
export function asgd(args: AsgdKernelArgs): void {
  args = checkGroup('asgd', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'ax', written: true },
    ],
    perTensor: [
      { key: 'eta', type: Float64Array },
      { key: 'mu', type: Float64Array },
    ],
    numbers: ['lambd', 'weight_decay'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const ax = args.ax[t];
    const decay = f(1 - args.lambd * args.eta[t]);
    const negEta = f(-args.eta[t]);
    const mu = f(args.mu[t]);
    const copy = args.mu[t] === 1;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // g += weight_decay * p
      p[i] = p[i] * decay + negEta * gi; // p *= 1 - lambd * eta; p -= eta * g
      ax[i] = copy ? p[i] : ax[i] + mu * (p[i] - ax[i]); // mu = 1: ax = p, else ax += mu (p - ax)
    }
  }
}
