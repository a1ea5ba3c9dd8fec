import type { SgdKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS SGD kernel: the oracle the native kernels are tested against, and the fallback backend.
 * Same arguments and same per-element rule as `native/optim/sgd.h`; scalars are rounded to
 * float32 as the native path receives them, the arithmetic per element is done in double and
 * rounded once on store.
 */
export function sgd(args: SgdKernelArgs): void {
  const momentum = args?.momentum !== 0;
  args = checkGroup('sgd', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
      { key: 'momentum_buffer', written: true, optional: !momentum },
    ],
    perTensor: momentum ? [{ key: 'momentum_buffer_init', type: Uint8Array }] : [],
    numbers: ['lr', 'momentum', 'dampening', 'weight_decay'],
    flags: ['nesterov', 'maximize'],
  });
  const f = Math.fround;
  const negLr = f(-args.lr);
  const mu = f(args.momentum);
  const oneMinusDampening = f(1 - args.dampening);
  const wd = f(args.weight_decay);
  const sign = args.maximize ? -1 : 1;
  const { nesterov } = args;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const buf = momentum ? args.momentum_buffer![t] : null;
    const init = momentum && args.momentum_buffer_init![t] !== 0;
    for (let i = 0; i < p.length; i++) {
      let d = g[i] * sign; // g = -grad when maximizing
      if (wd !== 0) d += wd * p[i]; // g += weight_decay * p
      if (buf) {
        const b = init ? d : buf[i] * mu + oneMinusDampening * d; // b = momentum b + (1 - dampening) g
        buf[i] = b;
        d = nesterov ? d + mu * buf[i] : buf[i]; // nesterov: g + momentum b, else b
      }
      p[i] += negLr * d; // p -= lr g
    }
  }
}
