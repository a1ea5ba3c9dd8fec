import type { LambKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS LAMB kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and the same two passes per tensor as `native/optim/lamb.h` (moments
 * and the sums of p^2 and u^2, in double; then the trust-scaled step with u recomputed from the
 * stored moments); scalars are rounded to float32 as the native path broadcasts them, the
 * arithmetic per element is done in double and rounded once on store.
 */
export function lamb(args: LambKernelArgs): void {
  args = checkGroup('lamb', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'exp_avg', written: true },
      { key: 'exp_avg_sq', written: true },
    ],
    perTensor: [
      { key: 'bias_correction1', type: Float64Array },
      { key: 'bias_correction2_sqrt', type: Float64Array },
    ],
    numbers: ['lr', 'beta1', 'beta2', 'eps', 'weight_decay', 'max_trust_ratio'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const oneMinusBeta1 = f(1 - args.beta1);
  const beta2 = f(args.beta2);
  const oneMinusBeta2 = f(1 - args.beta2);
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const m = args.exp_avg[t];
    const v = args.exp_avg_sq[t];
    const bc1 = f(args.bias_correction1[t]);
    const bc2Sqrt = f(args.bias_correction2_sqrt[t]);
    // u = m / (1 - beta1^t) / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * p
    const direction = (i: number) => m[i] / bc1 / (Math.sqrt(v[i]) / bc2Sqrt + eps) + wd * p[i];
    let paramSq = 0;
    let updateSq = 0;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * sign; // g = -grad when maximizing
      m[i] += (gi - m[i]) * oneMinusBeta1; // m += (1 - beta1) (g - m)
      v[i] = v[i] * beta2 + oneMinusBeta2 * gi * gi; // v = beta2 v + (1 - beta2) g^2
      const u = direction(i);
      paramSq += p[i] * p[i];
      updateSq += u * u;
    }
    // ||p|| / ||u||, 1 when either is 0 (NaN stays NaN), clamped to max_trust_ratio.
    const ratio = paramSq === 0 || updateSq === 0 ? 1 : Math.sqrt(paramSq) / Math.sqrt(updateSq);
    const negStep = f(-args.lr * Math.min(ratio, args.max_trust_ratio));
    for (let i = 0; i < p.length; i++) p[i] += negStep * direction(i); // p -= lr * trust * u
  }
}
