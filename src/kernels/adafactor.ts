import type { AdafactorKernelArgs } from '../../binding.js';
import { checkGroup } from './check.js';

/**
 * The JS Adafactor kernel: the oracle the native kernels are tested against, and the fallback
 * backend. Same arguments, same checks and the same passes per tensor as
 * `native/optim/adafactor.h` (row and column mean squares and the norms in double; the stored
 * factors, variances and broadcast scalars rounded to float32 where the native code rounds
 * them); the arithmetic per element is done in double and rounded once on store.
 */
export function adafactor(args: AdafactorKernelArgs): void {
  const factored = (t: number) => args.factored[t] !== 0;
  args = checkGroup('adafactor', args, {
    lists: [
      { key: 'params', written: true },
      { key: 'grads', written: false },
    ],
    perTensor: [
      { key: 'factored', type: Uint8Array },
      { key: 'batch', type: Float64Array, sizes: true },
      { key: 'rows', type: Float64Array, sizes: true },
      { key: 'cols', type: Float64Array, sizes: true },
      { key: 'one_minus_beta2', type: Float64Array },
      { key: 'rho', type: Float64Array },
    ],
    numbers: ['eps1', 'eps2', 'd', 'decay'],
    flags: ['maximize'],
    validate: (fail, numel) => {
      numel.forEach((n, t) => {
        if (factored(t) && args.batch[t] * args.rows[t] * args.cols[t] !== n) {
          fail(RangeError, `batch[${t}] * rows[${t}] * cols[${t}] is not the ${n} elements of params[${t}]`);
        }
      });
    },
    sized: [
      { key: 'row_var', written: true, length: (t) => (factored(t) ? args.batch[t] * args.rows[t] : 0) },
      { key: 'col_var', written: true, length: (t) => (factored(t) ? args.batch[t] * args.cols[t] : 0) },
      { key: 'variance', written: true, length: (t, numel) => (factored(t) ? 0 : numel[t]) },
    ],
  });
  const f = Math.fround;
  const eps1Sq = f(args.eps1 * args.eps1);
  const eps1 = f(args.eps1);
  const decay = f(args.decay);
  const sign = args.maximize ? -1 : 1;
  for (let t = 0; t < args.params.length; t++) {
    const p = args.params[t];
    const g = args.grads[t];
    const n = p.length;
    if (n === 0) continue;
    // lerp(var, target, w) as torch.lerp: var + w (target - var), or target - (1 - w)(target - var) for w >= 0.5
    const w = f(args.one_minus_beta2[t]);
    const negOneMinusW = f(-(1 - w));
    const lerp = (v: number, target: number) => (w >= 0.5 ? target + negOneMinusW * (target - v) : v + w * (target - v));
    // u = g / sqrt(max(v, eps1^2)) (a NaN v stays NaN, as torch.clamp_min)
    const update = (i: number, v: number) => (g[i] * sign) / Math.sqrt(eps1Sq > v ? eps1Sq : v);
    let eachUpdate: (visit: (i: number, u: number) => void) => void; // u of every element, in order
    if (factored(t)) {
      const [batch, rows, cols] = [args.batch[t], args.rows[t], args.cols[t]];
      const rowVar = args.row_var[t];
      const colVar = args.col_var[t];
      const denom = new Float64Array(batch);
      for (let b = 0; b < batch; b++) {
        // Mean squares of the rows and the columns of matrix b, in double.
        const colSq = new Float64Array(cols);
        for (let r = 0; r < rows; r++) {
          let rowSq = 0;
          for (let c = 0; c < cols; c++) {
            const x = g[(b * rows + r) * cols + c];
            rowSq += x * x;
            colSq[c] += x * x;
          }
          rowVar[b * rows + r] = lerp(rowVar[b * rows + r], f(rowSq / cols)); // R = lerp(R, mean_c g^2)
        }
        for (let c = 0; c < cols; c++) colVar[b * cols + c] = lerp(colVar[b * cols + c], f(colSq[c] / rows)); // C = lerp(C, mean_r g^2)
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += rowVar[b * rows + r];
        const mean = f(sum / rows);
        denom[b] = mean < eps1 ? eps1 : mean; // max(eps1, mean R), NaN stays NaN
      }
      eachUpdate = (visit) => {
        for (let q = 0; q < batch * rows; q++) {
          const b = Math.floor(q / rows);
          const r = f(rowVar[q] / denom[b]); // R_r / max(eps1, mean R), once per row as natively
          for (let c = 0; c < cols; c++) visit(q * cols + c, update(q * cols + c, f(r * colVar[b * cols + c]))); // v = (R_r / mean R) C_c
        }
      };
    } else {
      const v = args.variance[t];
      for (let i = 0; i < n; i++) v[i] = lerp(v[i], f(g[i] * g[i])); // v = lerp(v, g^2)
      eachUpdate = (visit) => {
        for (let i = 0; i < n; i++) visit(i, update(i, v[i]));
      };
    }
    let paramSq = 0;
    let updateSq = 0;
    eachUpdate((i, u) => {
      paramSq += p[i] * p[i];
      updateSq += u * u;
    });
    // alpha = max(eps2, RMS(p)) rho; coef = -alpha / max(1, RMS(u) / d) (Python's max: NaN gives eps2, 1)
    const rootN = Math.sqrt(n);
    const paramRms = Math.sqrt(paramSq) / rootN;
    const alpha = (paramRms > args.eps2 ? paramRms : args.eps2) * args.rho[t];
    const clip = Math.sqrt(updateSq) / (rootN * args.d);
    const coef = f(-alpha / (clip > 1 ? clip : 1));
    eachUpdate((i, u) => {
      const decayed = decay !== 1 ? f(p[i] * decay) : p[i]; // p *= 1 - lr * weight_decay
      p[i] = decayed + coef * u; // p -= alpha / denom * u
    });
  }
}
