import type { RmspropKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS RMSprop kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/rmsprop.h`; scalars are
 * rounded to float32 as the native path broadcasts them (1 - alpha taken in double first), the
 * arithmetic per element is done in double and rounded once on store.
 */
export function rmsprop(args: RmspropKernelArgs): void {
  const momentum = args?.momentum > 0;
  args = checkGroup('rmsprop', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'square_avg', written: true },
      { key: 'momentum_buffer', written: true, optional: !momentum },
      { key: 'grad_avg', written: true, optional: !args?.centered },
    ],
    numbers: ['lr', 'alpha', 'eps', 'weight_decay', 'momentum'],
    flags: ['centered', 'maximize'],
  });
  const f = Math.fround;
  const negLr = f(-args.lr);
  const alpha = f(args.alpha);
  const oneMinusAlpha = f(1 - args.alpha);
  const eps = f(args.eps);
  const wd = f(args.weight_decay);
  const mu = f(args.momentum);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const v = args.square_avg[t];
    const buf = momentum ? args.momentum_buffer![t] : null;
    const m = args.centered ? args.grad_avg![t] : null;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) gi += wd * p[i]; // g += weight_decay * p
      v[i] = v[i] * alpha + oneMinusAlpha * gi * gi; // v = alpha v + (1 - alpha) g^2
      let variance = v[i];
      if (m) {
        m[i] = m[i] * alpha + oneMinusAlpha * gi; // m = alpha m + (1 - alpha) g
        variance -= m[i] * m[i]; // v - m^2
      }
      const avg = Math.sqrt(variance) + eps; // sqrt(v (- m^2)) + eps
      if (buf) {
        buf[i] = buf[i] * mu + gi / avg; // b = momentum b + g / avg
        p[i] += negLr * buf[i]; // p -= lr b
      } else {
        p[i] += negLr * (gi / avg); // p -= lr g / avg
      }
    }
  }
}
