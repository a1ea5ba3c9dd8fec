import type { LionKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Lion kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/lion.h`, which computes
 * Lion with plain float32 operations (no fused multiply-add, see there): each operation here
 * is done in double and rounded to float32, which gives the float32 result exactly (double
 * rounding is harmless for + and * at these precisions), so every path agrees bit for bit.
 */
export function lion(args: LionKernelArgs): void {
  args = checkGroup('lion', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'exp_avg', written: true },
    ],
    numbers: ['lr', 'beta1', 'beta2', 'decay'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const negLr = f(-args.lr);
  const beta1 = f(args.beta1);
  const oneMinusBeta1 = f(1 - args.beta1);
  const beta2 = f(args.beta2);
  const oneMinusBeta2 = f(1 - args.beta2);
  const decay = f(args.decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const m = args.exp_avg[t];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * sign; // g = -grad when maximizing
      const c = f(f(m[i] * beta1) + f(oneMinusBeta1 * gi)); // c = beta1 m + (1 - beta1) g
      const s = c > 0 ? 1 : c < 0 ? -1 : c; // sign(c); 0 and NaN pass through, as vsign
      const decayed = decay !== 1 ? f(p[i] * decay) : p[i]; // p *= 1 - lr * wd
      p[i] = decayed + negLr * s; // p -= lr sign(c)
      m[i] = f(m[i] * beta2) + f(oneMinusBeta2 * gi); // m = beta2 m + (1 - beta2) g
    }
  }
}
