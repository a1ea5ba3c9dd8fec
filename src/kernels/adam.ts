import type { AdamKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Adam/AdamW kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/adam.h`; scalars are
 * rounded to float32 as the native path broadcasts them (1 - beta taken in double first), the arithmetic per element is done in
 * double and rounded once on store.
 */
export function adam(args: AdamKernelArgs): void {
  args = checkGroup('adam', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'exp_avg', written: true },
      { key: 'exp_avg_sq', written: true },
      { key: 'max_exp_avg_sq', written: true, optional: !args?.amsgrad },
    ],
    perTensor: [
      { key: 'step_size', type: Float64Array },
      { key: 'bias_correction2_sqrt', type: Float64Array },
    ],
    numbers: ['beta1', 'beta2', 'eps', 'weight_decay', 'decay'],
    flags: ['amsgrad', 'maximize'],
  });
  const f = Math.fround;
  const oneMinusBeta1 = f(1 - args.beta1);
  const beta2 = f(args.beta2);
  const oneMinusBeta2 = f(1 - args.beta2);
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const decay = f(args.decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const m = args.exp_avg[t];
    const v = args.exp_avg_sq[t];
    const vmax = args.amsgrad ? args.max_exp_avg_sq![t] : null;
    const negStepSize = f(-args.step_size[t]);
    const bc2Sqrt = f(args.bias_correction2_sqrt[t]);
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // Adam: g += weight_decay * p
      if (decay !== 1) p[i] *= decay; // AdamW: p *= 1 - lr * weight_decay
      m[i] += (gi - m[i]) * oneMinusBeta1; // m += (1 - beta1) (g - m)
      v[i] = v[i] * beta2 + oneMinusBeta2 * gi * gi; // v = beta2 v + (1 - beta2) g^2
      let second = v[i];
      if (vmax) {
        const old = vmax[i];
        vmax[i] = old > second ? old : second; // v_max = max(v_max, v), NaN-in-v propagates
        second = vmax[i];
      }
      const denom = Math.sqrt(second) / bc2Sqrt + eps; // sqrt(v / (1 - beta2^t)) + eps
      p[i] += negStepSize * (m[i] / denom); // p -= lr / (1 - beta1^t) m / denom
    }
  }
}
