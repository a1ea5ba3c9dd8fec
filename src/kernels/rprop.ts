import type { RpropKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Rprop kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments and same per-element rule as `native/optim/rprop.h`; scalars are
 * rounded to float32 as the native path broadcasts them. Every operation here is exact or
 * rounded once to float32 (the sign product is rounded, as a float32 product can underflow to
 * 0), so both paths agree bit for bit.
 */
export function rprop(args: RpropKernelArgs): void {
  args = checkGroup('rprop', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'prev', written: true },
      { key: 'step_size', written: true },
    ],
    numbers: ['etaminus', 'etaplus', 'step_size_min', 'step_size_max'],
    flags: ['maximize'],
  });
  const f = Math.fround;
  const etaminus = f(args.etaminus);
  const etaplus = f(args.etaplus);
  const min = f(args.step_size_min);
  const max = f(args.step_size_max);
  const sign = args.maximize ? -1 : 1;
  // torch.sign: NaN (and 0) give 0.
  const sgn = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const prev = args.prev[t];
    const s = args.step_size[t];
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] * sign; // g = -grad when maximizing
      const product = f(gi * prev[i]); // sign agreement with the last step (in float32)
      const factor = product > 0 ? etaplus : product < 0 ? etaminus : 1; // NaN: 1
      s[i] = Math.min(max, Math.max(min, s[i] * factor)); // clamp(step_size * factor), NaN propagating
      if (product < 0) gi = 0; // flipped: no move, forget g
      p[i] -= sgn(gi) * s[i]; // p -= sign(g) * step_size
      prev[i] = gi; // remembered for the next step
    }
  }
}
