import type { AdadeltaKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Adadelta kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/adadelta.h`; scalars are
 * rounded to float32 as the native path broadcasts them (1 - rho taken in double first), the
 * arithmetic per element is done in double and rounded once on store.
 */
export function adadelta(args: AdadeltaKernelArgs): void {
  args = checkGroup('adadelta', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'square_avg', written: true },
      { key: 'acc_delta', written: true },
    ],
    numbers: ['lr', 'rho', 'eps', 'weight_decay'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const negLr = f(-args.lr);
  const rho = f(args.rho);
  const oneMinusRho = f(1 - args.rho);
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const v = args.square_avg[t];
    const u = args.acc_delta[t];
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // g += weight_decay * p
      v[i] = v[i] * rho + oneMinusRho * gi * gi; // v = rho v + (1 - rho) g^2
      const std = Math.sqrt(v[i] + eps); // sqrt(v + eps)
      const delta = (Math.sqrt(u[i] + eps) / std) * gi; // sqrt(u + eps) / std * g
      u[i] = u[i] * rho + oneMinusRho * delta * delta; // u = rho u + (1 - rho) delta^2
      p[i] += negLr * delta; // p -= lr delta
    }
  }
}
