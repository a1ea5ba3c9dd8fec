import type { LarsKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS LARS kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and the same two passes per tensor as `native/optim/lars.h` (the sums
 * of p^2 and g^2 in double, then the scaled step); scalars are rounded to float32 as the native
 * path broadcasts them, the arithmetic per element is done in double and rounded once on store.
 */
export function lars(args: LarsKernelArgs): void {
  const momentum = args?.momentum !== 0;
  args = checkGroup('lars', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'momentum_buffer', written: true, optional: !momentum },
    ],
    perTensor: [{ key: 'exclude', type: Uint8Array }],
    numbers: ['lr', 'momentum', 'weight_decay', 'trust_coefficient', 'eps'],
    flags: ['nesterov', 'maximize'],
  });
  const f = Math.fround;
  const negLr = f(-args.lr);
  const mu = f(args.momentum);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const buf = momentum ? args.momentum_buffer![t] : null;
    const excluded = args.exclude[t] !== 0;
    let trust = 1;
    if (!excluded) {
      let paramSq = 0;
      let gradSq = 0;
      for (let i = 0; i < p.length; i++) {
        paramSq += p[i] * p[i];
        gradSq += g[i] * g[i];
      }
      // trust_coefficient ||p|| / (||g|| + weight_decay ||p|| + eps), 1 when a norm is 0 (NaN stays NaN)
      if (paramSq !== 0 && gradSq !== 0) {
        const pn = Math.sqrt(paramSq);
        trust = (args.trust_coefficient * pn) / (Math.sqrt(gradSq) + args.weight_decay * pn + args.eps);
      }
    }
    const localLr = f(trust);
    const wd = excluded ? 0 : f(args.weight_decay);
    for (let i = 0; i < p.length; i++) {
      let d = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) d += wd * p[i]; // g + weight_decay * p
      d *= localLr; // d = local_lr (g + wd p)
      if (buf) {
        buf[i] = buf[i] * mu + d; // b = momentum b + d
        d = args.nesterov ? d + mu * buf[i] : buf[i]; // nesterov: d + momentum b
      }
      p[i] += negLr * d; // p -= lr d
    }
  }
}
