/**
 * Gradient utilities after `torch.nn.utils`: the total norm of a set of gradients, clipping by
 * norm and by value. One native pass per tensor (two for clipping by norm: measure, then
 * scale, and the second only when the norm is above the limit).
 */
import { kernels } from '../backend.js';
import type { ParamLike } from '../parameter.js';
import * as check from '../validate.js';

/** What the utilities accept: parameters (their non-null grads are used) or gradient buffers. */
export type GradSource = Iterable<ParamLike | Float32Array>;

function gradsOf(source: GradSource, name: string): Float32Array[] {
  const grads: Float32Array[] = [];
  let i = 0;
  for (const item of source) {
    const g = item instanceof Float32Array ? item : item?.grad;
    if (g instanceof Float32Array) grads.push(g);
    else if (g !== null && !(item instanceof Float32Array)) {
      throw check.invalidParameterError(`${name}[${i}]`, 'a parameter with a Float32Array or null grad, or a Float32Array', item);
    }
    i++;
  }
  return grads;
}

function normType(value: unknown): number {
  if (value === Infinity) return value;
  return check.number('normType', value, { min: 0, minOpen: true });
}

/** The norm of the per-tensor norms, as torch.nn.utils.get_total_norm. */
function totalNorm(grads: Float32Array[], p: number): number {
  if (grads.length === 0) return 0;
  const out = new Float64Array(grads.length);
  kernels().norms({ tensors: grads, norm_type: p, out });
  if (p === Infinity) {
    let m = 0;
    for (const v of out) m = Number.isNaN(v) || Number.isNaN(m) ? Number.NaN : Math.max(m, v);
    return m;
  }
  let sum = 0;
  for (const v of out) sum += v;
  return p === 2 ? Math.sqrt(sum) : p === 1 ? sum : sum ** (1 / p);
}

/** The norm options of `getTotalNorm` and `clipGradNorm`. */
export interface NormOptions {
  /** The norm: 2 (default), 1, Infinity, or any p > 0. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite, instead of returning it. Default false. */
  errorIfNonfinite?: boolean;
}

function nonfiniteError(p: number): Error {
  return new Error(
    `The total norm of order ${p} for gradients is non-finite, so it cannot be clipped. ` +
      'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
  );
}

/**
 * The total norm of the gradients, `||(||g_1||_p, ..., ||g_n||_p)||_p`, computed in double
 * (PyTorch's `torch.nn.utils.get_total_norm`). Parameters whose grad is null are skipped.
 *
 * @example
 * ```ts
 * const w = Parameter.from([1, 2, 3]);
 * w.grad!.set([3, 0, 4]);
 * const b = Parameter.from([0]);
 * b.grad!.set([-12]);
 * console.log(getTotalNorm([w, b]));                         // 13: sqrt(9 + 16 + 144)
 * console.log(getTotalNorm([w, b], { normType: Infinity })); // 12: the largest |g|
 * console.log(getTotalNorm([w.grad!], { normType: 1 }));     // 7: gradient buffers work too
 * ```
 */
export function getTotalNorm(source: GradSource, options: NormOptions = {}): number {
  const p = normType(options.normType ?? 2);
  const norm = totalNorm(gradsOf(source, 'params'), p);
  if (options.errorIfNonfinite && !Number.isFinite(norm)) throw nonfiniteError(p);
  return norm;
}

/**
 * Clips the gradients in place so that their total norm is at most `maxNorm`, and returns the
 * total norm before clipping (PyTorch's `torch.nn.utils.clip_grad_norm_`):
 * ```text
 * total = ||(||g_1||_p, ..., ||g_n||_p)||_p
 * g_i  <- g_i * min(1, maxNorm / (total + 1e-6))
 * ```
 * A non-finite total is returned (and, as in PyTorch, scales the gradients to NaN) unless
 * `errorIfNonfinite` makes it throw first; a `SkipNonFinite` guard given this norm skips the
 * step without another pass over the gradients.
 *
 * @example
 * ```ts
 * const w = Parameter.from([1, 2]);
 * const optimizer = new SGD([w], { lr: 0.1 });
 * w.grad!.set([30, 40]);                    // an exploding gradient, norm 50
 * const norm = clipGradNorm([w], 1.0);      // scales it to norm 1 (minus 1e-6 relative)
 * optimizer.step();
 * console.log(norm, Array.from(w.grad!, (g) => g.toFixed(4))); // 50 ['0.6000', '0.8000']
 * ```
 */
export function clipGradNorm(source: GradSource, maxNorm: number, options: NormOptions = {}): number {
  check.number('maxNorm', maxNorm, { min: 0 });
  const p = normType(options.normType ?? 2);
  const grads = gradsOf(source, 'params');
  const norm = totalNorm(grads, p);
  if (options.errorIfNonfinite && !Number.isFinite(norm)) throw nonfiniteError(p);
  const coef = maxNorm / (norm + 1e-6);
  // A coefficient >= 1 would multiply by exactly 1 (PyTorch clamps it to 1.0): skip that pass.
  if (!(coef >= 1) && grads.length > 0) kernels().scale({ tensors: grads, scalar: coef });
  return norm;
}

/**
 * Clips every gradient element to `[-clipValue, clipValue]` in place (PyTorch's
 * `torch.nn.utils.clip_grad_value_`); NaN stays NaN.
 *
 * @example
 * ```ts
 * const w = Parameter.from([1, 2, 3]);
 * w.grad!.set([-2, 0.25, 7]);
 * clipGradValue([w], 0.5);
 * console.log(w.grad); // Float32Array(3) [ -0.5, 0.25, 0.5 ]
 * ```
 */
export function clipGradValue(source: GradSource, clipValue: number): void {
  check.number('clipValue', clipValue, { min: 0 });
  const grads = gradsOf(source, 'params');
  if (grads.length > 0) kernels().clamp({ tensors: grads, min: -clipValue, max: clipValue });
}
